// ctx.detectTestCommand and ctx.shellQuote against the real toolhost: the test command is found per project
// kind, detection goes through the skill's allowed shell, and a quoted word reaches bash literally.
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ToolHub } from "../../agent/src/hub/tool-hub.js";
import { LocalLauncher } from "../../agent/src/sandbox/local.js";
import type { SkillContext } from "../../agent/src/skills/skill-api.js";
import { createSkillContext } from "../../agent/src/skills/skill-context.js";
import { scriptedModel } from "../support/scripted-model.js";

let workspace: string;
let hub: ToolHub;
beforeAll(() => {
  workspace = mkdtempSync(join(tmpdir(), "skill-ctx-"));
  hub = new ToolHub({ launcher: new LocalLauncher({ workspace }), servers: [] });
});
afterAll(async () => {
  await hub.close();
  rmSync(workspace, { recursive: true, force: true });
});

function context(allowedTools: string[]): SkillContext {
  return createSkillContext({
    skill: "probe",
    allowedTools,
    tools: hub,
    model: () => scriptedModel("http://127.0.0.1:9/v1"),
    dryRun: false,
    signal: new AbortController().signal,
    maxSteps: 3,
    historyBudgetTokens: 10_000,
    workspaceRoot: workspace,
    scrub: (text) => text,
    log: () => {},
  });
}

const hasPytest = (() => {
  try {
    execFileSync("python3", ["-m", "pytest", "--version"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
})();

describe("skill context helpers", () => {
  it("detects no test command in an empty workspace, then Python's, then npm test", async () => {
    const ctx = context(["shell"]);
    expect(await ctx.detectTestCommand()).toBe("");
    writeFileSync(join(workspace, "test_app.py"), "def test_ok():\n    assert True\n");
    expect(await ctx.detectTestCommand()).toBe(
      hasPytest ? "python3 -m pytest -q" : "python3 -m unittest discover -v",
    );
    writeFileSync(join(workspace, "package.json"), JSON.stringify({ scripts: { test: "node --test" } }));
    expect(await ctx.detectTestCommand()).toBe("npm test");
  });

  it("is refused, naming the fix, when the skill may not use shell (the restriction applies to the helper)", async () => {
    await expect(context(["read_file"]).detectTestCommand()).rejects.toThrow(
      /may not call the tool "shell".*allowed_tools/,
    );
  });

  it("quotes a word so bash sees it literally", async () => {
    const ctx = context(["shell"]);
    const word = `it's $HOME \`whoami\` "x" \\ ; rm -rf /nowhere`;
    const echoed = await ctx.tools.shell({ command: `printf '%s' ${ctx.shellQuote(word)}` });
    expect(echoed.text.split("\n")[0]).toBe(word);
  });
});
