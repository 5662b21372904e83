// Wires the skills framework the way main.ts does, over real parts: a temp workspace served by the real
// toolhost (LocalLauncher + ToolHub), a temp skills dir with copies of reference skills, and the scripted LLM.
import { cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ToolHub } from "../../../agent/src/hub/tool-hub.js";
import type { ToolSource } from "../../../agent/src/loop/tools.js";
import { LocalLauncher } from "../../../agent/src/sandbox/local.js";
import { LocalNodeProgramRunner } from "../../../agent/src/sandbox/local-node-program.js";
import { commitApproval } from "../../../agent/src/skills/approve-skill.js";
import { createSkillServices, type SkillServices } from "../../../agent/src/skills/skill-services.js";
import { repoRoot } from "../../support/run-agent.js";
import { ScriptedLlm } from "../../support/scripted-llm.js";
import { scriptedModel } from "../../support/scripted-model.js";

export interface SkillHarness {
  workspace: string;
  skillsDir: string;
  /** The user's approvals ledger (DATA_DIR's skill-approvals.json). */
  ledgerPath: string;
  playbooksDir: string;
  llm: ScriptedLlm;
  services: SkillServices;
  /** Every recorded run: skill, args, duration, outcome. */
  runs: Array<{ skill: string; args: Record<string, unknown>; outcome: string }>;
  /** Runs a skill from a REPL-style argument line. */
  run(name: string, line: string, signal?: AbortSignal): ReturnType<SkillServices["runner"]["run"]>;
  /** Empties the workspace and the run record between tests (the toolhost keeps running). */
  reset(): void;
  close(): Promise<void>;
}

/** Copies the named reference skills (and skill-api.d.ts) into a temp skills dir, approving each. */
export async function startSkillHarness(
  options: { skills?: string[]; tools?: ToolSource; approve?: boolean } = {},
): Promise<SkillHarness> {
  const root = mkdtempSync(join(tmpdir(), "skills-test-"));
  const workspace = join(root, "workspace");
  const skillsDir = join(root, "skills");
  const playbooksDir = join(root, "playbooks");
  for (const dir of [workspace, skillsDir, playbooksDir]) mkdirSync(dir);
  cpSync(join(repoRoot, "skills", "skill-api.d.ts"), join(skillsDir, "skill-api.d.ts"));
  for (const name of options.skills ?? [])
    cpSync(join(repoRoot, "skills", name), join(skillsDir, name), { recursive: true });

  const ledgerPath = join(root, "data", "skill-approvals.json");
  mkdirSync(join(root, "data"));
  const llm = await ScriptedLlm.start();
  const hub = options.tools
    ? undefined
    : new ToolHub({
        launcher: new LocalLauncher({ workspace, shellTimeoutSeconds: 60, shellMaxTimeoutSeconds: 600 }),
        servers: [],
        toolhostConnectTimeoutMs: 30_000,
      });
  const model = scriptedModel(llm.baseURL, { timeoutMs: 10_000 });
  const runs: SkillHarness["runs"] = [];
  const services = createSkillServices({
    skillsDir,
    playbooksDir,
    tools: options.tools ?? (hub as ToolHub),
    model: () => model,
    maxSteps: 8,
    historyBudgetTokens: 50_000,
    workspaceRoot: workspace,
    scrub: (text) => text,
    record: (skill, args, _durationMs, outcome) => runs.push({ skill, args, outcome }),
    ledgerPath,
    programs: new LocalNodeProgramRunner(),
    skillApiPath: join(skillsDir, "skill-api.d.ts"),
  });
  if (options.approve !== false) {
    for (const entry of await services.registry.list()) {
      await commitApproval(services.registry, {
        name: entry.name,
        description: entry.manifest?.description ?? "",
        allowedTools: entry.manifest?.allowed_tools ?? [],
        hash: entry.hash,
        alreadyApproved: false,
      });
    }
  }
  return {
    workspace,
    skillsDir,
    ledgerPath,
    playbooksDir,
    llm,
    services,
    runs,
    run: (name, line, signal = new AbortController().signal) =>
      services.runner.run({ name, input: { kind: "line", line }, signal }),
    reset() {
      for (const name of readdirSync(workspace))
        rmSync(join(workspace, name), { recursive: true, force: true });
      runs.length = 0;
    },
    async close() {
      await hub?.close();
      await llm.close();
      rmSync(root, { recursive: true, force: true });
    },
  };
}
