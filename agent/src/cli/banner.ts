// The REPL's opening lines: version, provider and model, sandbox, workspace, session and log, the project
// instruction files loaded, and the one thing to fix first (a missing key, an interrupted keystore rotation).
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { appRoot, type Config } from "../config.js";
import { describeInstructionFiles, type LoadedInstructions } from "../instructions/project-instructions.js";
import type { Keystore } from "../keys/keystore.js";
import type { ProviderSession } from "../llm/session.js";

export interface BannerFacts {
  config: Config;
  providers: ProviderSession;
  logFile: string;
  sessionId: string;
  resumed: number | undefined;
  keystore: Keystore | undefined;
  /** The project instruction files in the system prompt. */
  instructions?: LoadedInstructions;
}

export function banner(facts: BannerFacts): string {
  const { config, providers, logFile, sessionId, resumed, keystore, instructions } = facts;
  const model = providers.current();
  const lines = [
    `ts-coding-agent ${version()} · ${model.provider} ${model.model} · sandbox ${config.sandbox.kind}`,
    `workspace ${config.workspaceDir} · session ${sessionId}${resumed ? ` (resumed, ${resumed} messages)` : ""}`,
    `log ${logFile} · /help for commands, Ctrl-C twice to exit`,
    ...(instructions ? [instructionsLine(instructions)] : []),
  ];
  if (keystore && existsSync(keystore.backupPath)) {
    lines.push(
      `A keystore backup from an interrupted rotation is at ${keystore.backupPath}: run agent keys rotate again.`,
    );
  }
  const missing = providers.missingKey();
  if (missing)
    lines.push(
      `No key for ${missing}: add one with /key ${missing} or set ${missing.toUpperCase()}_API_KEY.`,
    );
  return lines.join("\n");
}

/** `instructions AGENTS.md (2.1 KB), ../AGENTS.md (…)`, or how to add some. */
export function instructionsLine(loaded: LoadedInstructions): string {
  if (loaded.maxBytes === 0) return "instructions: off (INSTRUCTIONS_MAX_BYTES=0)";
  const files = describeInstructionFiles(loaded);
  return files.length
    ? `instructions: ${files.join(", ")}`
    : "instructions: none (add an AGENTS.md to the workspace, or draft one with /init)";
}

/** The agent's version from agent/package.json. */
export function version(): string {
  try {
    return (JSON.parse(readFileSync(join(appRoot, "agent", "package.json"), "utf8")) as { version: string })
      .version;
  } catch {
    return "unknown";
  }
}
