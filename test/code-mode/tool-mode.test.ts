// TOOL_MODE over real parts: the loop and the scripted LLM in front of the real hub and toolhost, with the
// reference skill hello approved. Proves what each mode offers the model, that code mode's API is in the
// system prompt, that a run_code turn does the work of many calls, and that only approved skills run from code.
import { cpSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createCodeMode } from "../../agent/src/code-mode/code-mode.js";
import { offeredTools, type ToolMode } from "../../agent/src/code-mode/tool-mode.js";
import { ToolHub } from "../../agent/src/hub/tool-hub.js";
import { LocalLauncher } from "../../agent/src/sandbox/local.js";
import { type Harness, startHarness } from "../loop/harness.js";
import { type SkillHarness, startSkillHarness } from "../skills/support/skill-harness.js";
import { repoRoot } from "../support/run-agent.js";

let skillsHarness: SkillHarness;
let hub: ToolHub;
let loop: Harness | undefined;

beforeAll(async () => {
  const { mkdtempSync } = await import("node:fs");
  const { tmpdir } = await import("node:os");
  const workspace = mkdtempSync(join(tmpdir(), "tool-mode-"));
  hub = new ToolHub({
    launcher: new LocalLauncher({ workspace }),
    servers: [],
    toolhostConnectTimeoutMs: 60_000,
  });
  skillsHarness = await startSkillHarness({ skills: ["hello"], tools: hub });
  // Written after the approvals: a skill nobody approved (proposed).
  cpSync(join(repoRoot, "skills", "hello"), join(skillsHarness.skillsDir, "unreviewed"), { recursive: true });
  const skillMd = join(skillsHarness.skillsDir, "unreviewed", "SKILL.md");
  writeFileSync(
    skillMd,
    readFileSync(skillMd, "utf8")
      .replace("name: hello", "name: unreviewed")
      .replace("status: approved", "status: proposed"),
  );
  writeFileSync(join(workspace, "a.json"), JSON.stringify({ amount: 5 }));
  writeFileSync(join(workspace, "b.json"), JSON.stringify({ amount: 7 }));
}, 120_000);

afterEach(async () => {
  await loop?.close();
  loop = undefined;
});

afterAll(async () => {
  await hub?.close();
  await skillsHarness?.close();
});

async function start(mode: ToolMode): Promise<Harness> {
  const codeMode = createCodeMode({
    hub,
    tools: skillsHarness.services.tools,
    mode,
    scrub: (text) => text,
    skills: () => skillsHarness.services.registry.scan(),
  });
  loop = await startHarness(codeMode.tools, { toolSections: codeMode.toolSections, compactAtPercent: 0 });
  return loop;
}

const offered = (h: Harness, request = 0) =>
  h.llm.requests[request]?.body.tools?.map((t) => t.function.name) ?? [];
const systemPrompt = (h: Harness, request = 0) =>
  String(h.llm.requests[request]?.body.messages[0]?.content ?? "");

describe("TOOL_MODE", () => {
  it("calls: offers every tool but run_code, and no code API in the system prompt", async () => {
    const h = await start("calls");
    h.llm.enqueue({ text: "done" });
    await h.run("hi");
    expect(offered(h)).toEqual(expect.arrayContaining(["read_file", "shell", "run_skill"]));
    expect(offered(h)).not.toContain("run_code");
    expect(systemPrompt(h)).not.toContain("declare const tools");
  });

  it("code: offers only run_code, with every tool and approved skill declared in the system prompt", async () => {
    const h = await start("code");
    h.llm.enqueue({ text: "done" });
    await h.run("hi");
    expect(offered(h)).toEqual(["run_code"]);
    const prompt = systemPrompt(h);
    expect(prompt).toContain("declare const tools: {");
    expect(prompt).toMatch(/read_file\(args: \{[\s\S]*?path: string;/);
    expect(prompt).toContain("shell(args: {");
    expect(prompt).not.toMatch(/^\s+run_code\(/m);
    expect(prompt).not.toMatch(/^\s+run_skill\(/m);
    expect(prompt).toMatch(/declare const skills: \{[\s\S]*hello\(args: \{[\s\S]*text: string;/);
    expect(prompt).not.toContain("unreviewed(");
    expect(prompt).toContain("declare const artifacts");
    expect(prompt).toContain(
      "Skills are called from run_code as skills.<name>(args); run_skill is not offered.",
    );
  });

  it("both: offers run_code beside every tool, with the API in the system prompt", async () => {
    const h = await start("both");
    h.llm.enqueue({ text: "done" });
    await h.run("hi");
    expect(offered(h)).toEqual(expect.arrayContaining(["run_code", "read_file", "shell", "run_skill"]));
    expect(systemPrompt(h)).toContain("declare const tools: {");
    expect(systemPrompt(h)).not.toContain("run_skill is not offered");
  });

  it("code mode does a multi-file task in one run_code call whose result reaches the model", async () => {
    const h = await start("code");
    h.llm.enqueue(
      {
        toolCalls: [
          {
            name: "run_code",
            arguments: {
              code: `let total = 0;
for (const name of ["a.json", "b.json"]) {
  const text = await tools.shell({ command: "cat " + name });
  total += JSON.parse(text.split("\\n")[0]).amount;
}
return { total };`,
            },
          },
        ],
      },
      { text: "The total is 12." },
    );
    const result = await h.run("total the amounts");
    expect(result.reason).toBe("done");
    expect(h.llm.requests).toHaveLength(2);
    const toolMessage = h.llm.requests[1]?.body.messages.find((m) => m.role === "tool");
    expect(JSON.parse(String(toolMessage?.content))).toEqual({ total: 12 });
  });

  it("runs approved skills from code and refuses one nobody approved", async () => {
    const h = await start("code");
    h.llm.enqueue(
      {
        toolCalls: [
          {
            name: "run_code",
            arguments: {
              code: `const echoed = await skills.hello({ text: "from code", times: 2 });
let refused = "";
try { await skills.unreviewed({ text: "x" }); } catch (error) { refused = error.message; }
return { echoed, refused };`,
            },
          },
        ],
      },
      { text: "done" },
    );
    await h.run("use the skills");
    const toolMessage = h.llm.requests[1]?.body.messages.find((m) => m.role === "tool");
    const { echoed, refused } = JSON.parse(String(toolMessage?.content));
    expect(echoed).toMatch(/^from code\nfrom code\n/);
    expect(refused).toMatch(/unreviewed/);
    expect(refused).toMatch(/approve/i);
  });
});

describe("offeredTools", () => {
  const spec = (name: string) => ({ name, description: "", parameters: { type: "object" } });
  it("keeps every tool in code mode when there is no run_code (a hub without a toolhost)", () => {
    const all = [spec("datetime__get_current_time")];
    expect(offeredTools(all, "code").map((t) => t.name)).toEqual(["datetime__get_current_time"]);
    expect(offeredTools([...all, spec("run_code")], "code").map((t) => t.name)).toEqual(["run_code"]);
  });
});
