// ctx.detectTestCommand, ctx.runTests, ctx.compareTestRuns and ctx.shellQuote against the real toolhost: the test
// command is found per project kind through the skill's allowed shell, a long run is read whole, a run that shows
// nothing says why, and a quoted word reaches bash literally.
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { ToolHub } from "../../agent/src/hub/tool-hub.js";
import { LocalLauncher } from "../../agent/src/sandbox/local.js";
import type { SkillContext } from "../../agent/src/skills/skill-api.js";
import { createSkillContext } from "../../agent/src/skills/skill-context.js";
import { scriptedModel } from "../support/scripted-model.js";

// Each test runs a skill program and a real test runner in the workspace, often twice (before and after a
// patch): seconds on an idle machine, tens of seconds on a busy shared one. A budget, not a speed assertion.
vi.setConfig({ testTimeout: 120_000, hookTimeout: 120_000 });

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
      hasPytest ? "python3 -m pytest -q -rA" : "python3 -m unittest discover -v",
    );
    writeFileSync(join(workspace, "package.json"), JSON.stringify({ scripts: { test: "node --test" } }));
    expect(await ctx.detectTestCommand()).toBe("npm test");
  });

  it("is refused, naming the fix, when the skill may not use shell (the restriction applies to the helper)", async () => {
    await expect(context(["read_file"]).detectTestCommand()).rejects.toThrow(
      /may not call the tool "shell".*allowed_tools/,
    );
  });

  it.runIf(hasPytest)(
    "runTests reads every test of an output too long for one result back from its log (with read_file)",
    async () => {
      writeFileSync(
        join(workspace, "test_many.py"),
        "import pytest\n\n@pytest.mark.parametrize('n', range(1500))\ndef test_n(n):\n    assert n != 700\n",
      );
      const command = "python3 -m pytest -q -rA -p no:cacheprovider test_many.py";
      const full = await context(["shell", "read_file"]).runTests(command);
      expect(full).toMatchObject({
        runner: "pytest",
        passed: 1499,
        failed: 1,
        exitCode: 1,
        namesPasses: true,
      });
      expect(full.tests).toHaveLength(1500);
      expect(full.tests.find((test) => test.id === "test_many.py::test_n[700]")?.outcome).toBe("failed");
      expect(full.problem).toBeUndefined();
      // Without read_file only the head and tail of the output are there; the summary's counts still are.
      const cut = await context(["shell"]).runTests(command);
      expect(cut).toMatchObject({ passed: 1499, failed: 1 });
      expect(cut.tests.length).toBeLessThan(1500);
    },
  );

  it("runTests and compareTestRuns: a run showing nothing says why; a comparison names fixed and regressed tests", async () => {
    const ctx = context(["shell"]);
    expect(await ctx.runTests("echo all good")).toMatchObject({
      runner: "unknown",
      exitCode: 0,
      problem: expect.stringMatching(/^the output of echo all good \(exit code 0\) is not one I can read/),
    });
    const run = (tests: Array<[string, "passed" | "failed"]>) => ({
      command: "t",
      runner: "pytest" as const,
      exitCode: 1,
      tests: tests.map(([id, outcome]) => ({ id, outcome })),
      passed: tests.filter(([, o]) => o === "passed").length,
      failed: tests.filter(([, o]) => o === "failed").length,
      skipped: 0,
      namesPasses: true,
      tail: "",
    });
    const compared = await ctx.compareTestRuns(
      run([
        ["a", "failed"],
        ["b", "passed"],
        ["c", "failed"],
        ["d", "passed"],
      ]),
      run([
        ["a", "passed"],
        ["b", "failed"],
        ["c", "failed"],
      ]),
    );
    expect(compared).toMatchObject({
      fixed: ["a"],
      regressed: ["b"],
      stillFailing: ["c"],
      missing: ["d"],
      fewerTests: 1,
    });
  });

  it("quotes a word so bash sees it literally", async () => {
    const ctx = context(["shell"]);
    const word = `it's $HOME \`whoami\` "x" \\ ; rm -rf /nowhere`;
    const echoed = await ctx.tools.shell({ command: `printf '%s' ${ctx.shellQuote(word)}` });
    expect(echoed.text.split("\n")[0]).toBe(word);
  });
});
