// The REPL's opening lines: version, provider and model, sandbox, workspace, session and log, and the one
// thing to fix first (a missing key, an interrupted keystore rotation).
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { appRoot, type Config } from "../config.js";
import type { Keystore } from "../keys/keystore.js";
import type { ProviderSession } from "../llm/session.js";

export interface BannerFacts {
  config: Config;
  providers: ProviderSession;
  logFile: string;
  sessionId: string;
  resumed: number | undefined;
  keystore: Keystore | undefined;
}

export function banner({ config, providers, logFile, sessionId, resumed, keystore }: BannerFacts): string {
  const model = providers.current();
  const lines = [
    `ts-coding-agent ${version()} · ${model.provider} ${model.model} · sandbox ${config.sandbox.kind}`,
    `workspace ${config.workspaceDir} · session ${sessionId}${resumed ? ` (resumed, ${resumed} messages)` : ""}`,
    `log ${logFile} · /help for commands, Ctrl-C twice to exit`,
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

/** The agent's version from agent/package.json. */
export function version(): string {
  try {
    return (JSON.parse(readFileSync(join(appRoot, "agent", "package.json"), "utf8")) as { version: string })
      .version;
  } catch {
    return "unknown";
  }
}
