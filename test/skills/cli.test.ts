// Skills through the real CLI over piped stdin and print mode: /skill list and help, /approve with the
// confirmation, /skill runs, /playbooks; the model discovers skills in its system prompt and runs one with
// run_skill (approved only); runs land in the session log.
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { commitApproval, prepareApproval } from "../../agent/src/skills/approve-skill.js";
import { SkillRegistry } from "../../agent/src/skills/registry.js";
import { setSkillStatus } from "../../agent/src/skills/skill-md.js";
import { agentEnv, repoRoot, runAgent } from "../support/run-agent.js";
import { ScriptedLlm } from "../support/scripted-llm.js";

let llm: ScriptedLlm;
let root: string;
let env: Record<string, string>;
beforeAll(async () => {
  llm = await ScriptedLlm.start();
});
afterAll(async () => {
  await llm.close();
});
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), "skills-cli-"));
  const skills = join(root, "skills");
  mkdirSync(skills);
  mkdirSync(join(root, "workspace"));
  cpSync(join(repoRoot, "skills", "hello"), join(skills, "hello"), { recursive: true });
  // Shipped approved; here it starts as a fresh, proposed skill with no ledger.
  const md = join(skills, "hello", "SKILL.md");
  writeFileSync(md, setSkillStatus(readFileSync(md, "utf8"), "proposed"));
  cpSync(join(repoRoot, "skills", "skill-api.d.ts"), join(skills, "skill-api.d.ts"));
  env = agentEnv({
    baseURL: llm.baseURL,
    dataDir: join(root, "data"),
    env: {
      SKILLS_DIR: skills,
      PLAYBOOKS_DIR: join(repoRoot, "playbooks"),
      WORKSPACE_DIR: join(root, "workspace"),
      SANDBOX: "local",
    },
  });
});
afterEach(() => {
  expect(llm.pending).toBe(0);
  llm.requests.length = 0;
  rmSync(root, { recursive: true, force: true });
});

/** Every line of every session file. */
function sessionLines(): Array<Record<string, unknown>> {
  const dir = join(root, "data", "sessions");
  return readdirSync(dir).flatMap((file) =>
    readFileSync(join(dir, file), "utf8")
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line) as Record<string, unknown>),
  );
}

describe("the REPL", () => {
  it("lists, refuses, approves after confirmation, runs, and logs a skill", async () => {
    const run = await runAgent([], env, {
      stdin: [
        "/skill list",
        "/skill help hello",
        "/skill hello hi",
        "/approve hello",
        "n",
        "/approve hello",
        "y",
        "/skill list",
        '/skill hello "hi there" times:2',
        "/skill hello",
        "/playbooks",
      ].join("\n"),
      timeoutMs: 60_000,
    });
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/hello\s+proposed\s+Echoes its arguments/);
    expect(run.stdout).toContain("review it (/skill help hello), then /approve hello");
    expect(run.stderr).toContain('Skill "hello" is proposed, not approved');
    expect(run.stdout).toContain("# hello\n\nEchoes `text` back");
    expect(run.stdout).toMatch(/sha256: [0-9a-f]{64}/);
    expect(run.stdout).toContain("allowed tools: none");
    expect(run.stdout).toContain("Approve hello? [y/N]");
    expect(run.stdout).toContain("Not approved.");
    expect(run.stdout).toMatch(/Approved hello \(by .+\)/);
    expect(run.stdout).toMatch(/hello\s+approved\s+Echoes/);
    expect(run.stdout).toContain("hi there\nhi there\n");
    expect(run.stderr).toContain("Missing required argument text.\nUsage: /skill hello <text> [times:<n>]");
    expect(run.stdout).toContain("testing/pytest");
    expect(run.stdout).toContain("None was used in the last turn.");
    expect(readFileSync(join(root, "skills", "hello", "SKILL.md"), "utf8")).toContain("status: approved");
    expect(sessionLines().filter((l) => l.type === "skill_run")).toEqual([
      expect.objectContaining({ skill: "hello", args: { text: "hi there", times: 2 }, outcome: "ok" }),
    ]);
  });
});

describe("the model", () => {
  it("sees skills and a matching playbook in its system prompt, and cannot run a proposed skill", async () => {
    llm.enqueue(
      { toolCalls: [{ name: "run_skill", arguments: { name: "hello", args: { text: "x" } } }] },
      { text: "It needs approval." },
    );
    const run = await runAgent(["-p", "fix the KeyError traceback in app.py"], env, { timeoutMs: 60_000 });
    expect(run.code).toBe(0);
    const system = llm.requests[0]?.body.messages[0]?.content ?? "";
    expect(system).toContain(
      "Proposed skills (cannot run; suggest the user reviews them and runs /approve <name>): hello",
    );
    expect(system).toContain("### Debugging a failure (debugging/failing-code)");
    expect(llm.requests[0]?.body.tools?.map((t) => t.function.name)).toContain("run_skill");
    expect(llm.requests[1]?.body.messages.at(-1)?.content).toContain("must review it and run /approve hello");
  });

  it("runs an approved skill through run_skill and gets its report", async () => {
    const registry = new SkillRegistry({
      dir: join(root, "skills"),
      ledgerPath: join(root, "data", "skill-approvals.json"),
    });
    await commitApproval(registry, await prepareApproval(registry, "hello"));
    llm.enqueue(
      { toolCalls: [{ name: "run_skill", arguments: { name: "hello", args: { text: "from the model" } } }] },
      { text: "Done." },
    );
    const run = await runAgent(["-p", "say hello"], env, { timeoutMs: 60_000 });
    expect(run.code).toBe(0);
    expect(llm.requests[0]?.body.messages[0]?.content).toContain("Skills you can run with run_skill");
    expect(llm.requests[0]?.body.messages[0]?.content).toContain("- hello(text, times?): ");
    expect(llm.requests[1]?.body.messages.at(-1)?.content).toContain(
      'from the model\n(args: {"text":"from the model","times":1})',
    );
    expect(sessionLines().some((l) => l.type === "skill_run" && l.outcome === "ok")).toBe(true);
  });
});
