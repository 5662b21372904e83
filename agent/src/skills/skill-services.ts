// Everything skills and playbooks add to a session, built in one call for main.ts: the registry, the runner,
// the model's tools plus run_skill, and the per-turn prompt sections (skills list, chosen playbooks).
import type { ToolSource } from "../loop/tools.js";
import {
  PlaybookRegistry,
  type PlaybookSelection,
  type PlaybookSelectionOptions,
} from "../playbooks/registry.js";
import type { Store } from "../store/store.js";
import type { ApprovalLedger } from "./approval-ledger.js";
import { CombinedTools } from "./combined-tools.js";
import { skillsPromptSection } from "./prompt-section.js";
import { SkillRegistry } from "./registry.js";
import { SkillRunner, type SkillRunnerOptions } from "./runner.js";
import { SKILL_HOST_TOOLS, SkillHostTools } from "./skill-host-tools.js";
import { withSkillTool } from "./skill-tool.js";

/** What the runner needs (tools, model, limits, scrub, record), plus where skills and playbooks live. */
export type SkillServicesOptions = Omit<SkillRunnerOptions, "registry"> &
  (
    | { store: Store; ledger: ApprovalLedger }
    /** The local folders: the skills directory and `$DATA_DIR/skill-approvals.json`. */
    | { skillsDir: string; ledgerPath: string }
  ) & {
    playbooksDir: string;
    /** Playbook ranking limits. */
    playbookSelection?: PlaybookSelectionOptions;
    /** skill-api.d.ts for validation. Default: the repository's skills/skill-api.d.ts. */
    skillApiPath?: string;
  };

export interface SkillServices {
  registry: SkillRegistry;
  playbooks: PlaybookRegistry;
  runner: SkillRunner;
  /** The model's tools: the hub plus run_skill. Give this to AgentSession. */
  tools: ToolSource;
  /** Give this to AgentSession: the skills list and the playbooks chosen for the input. Never throws. */
  promptSections: (input: string) => string[];
  /** Playbooks used in the last turn (for /playbooks). */
  lastPlaybooks: () => PlaybookSelection["chosen"];
  /** skill-api.d.ts path used by /approve. */
  skillApiPath?: string;
}

export function createSkillServices(options: SkillServicesOptions): SkillServices {
  const registry = new SkillRegistry(
    "store" in options
      ? { store: options.store, ledger: options.ledger }
      : { dir: options.skillsDir, ledgerPath: options.ledgerPath },
  );
  const playbooks = new PlaybookRegistry(options.playbooksDir, options.playbookSelection);
  const hostTools = new SkillHostTools({
    store: registry.store,
    playbooksDir: options.playbooksDir,
    ...(options.skillApiPath ? { skillApiPath: options.skillApiPath } : {}),
  });
  const runner = new SkillRunner({
    registry,
    programs: options.programs,
    tools: new CombinedTools(options.tools, hostTools, SKILL_HOST_TOOLS),
    model: options.model,
    maxSteps: options.maxSteps,
    historyBudgetTokens: options.historyBudgetTokens,
    workspaceRoot: options.workspaceRoot,
    scrub: options.scrub,
    ...(options.record ? { record: options.record } : {}),
  });
  let last: PlaybookSelection["chosen"] = [];
  return {
    registry,
    playbooks,
    runner,
    tools: withSkillTool(options.tools, runner),
    promptSections: (input) => {
      const selection = playbooks.select(input);
      last = selection.chosen;
      return [skillsPromptSection(registry.scan()), selection.section].filter(Boolean);
    },
    lastPlaybooks: () => last,
    ...(options.skillApiPath ? { skillApiPath: options.skillApiPath } : {}),
  };
}
