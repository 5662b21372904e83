// Runs the real agent CLI (from source, through tsx) as a child process with an environment built for the
// test: its own HOME and DATA_DIR, a provider pointing at the scripted LLM, and nothing of ours.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { repoRoot } from "./repo-root.js";
import { type CollectedRun, spawnCollecting } from "./spawn-collecting.js";

export { repoRoot };

const tsxImport = join(repoRoot, "node_modules", "tsx", "dist", "esm", "index.mjs");
export const agentMain = join(repoRoot, "agent", "src", "main.ts");

export type AgentRun = CollectedRun;

export interface AgentEnvOptions {
  baseURL: string;
  /** Extra or overriding variables. */
  env?: Record<string, string>;
  dataDir?: string;
}

/** The environment a test agent runs with: provider "openai" at the scripted server, private dirs. */
export function agentEnv({ baseURL, env = {}, dataDir }: AgentEnvOptions): Record<string, string> {
  const home = mkdtempSync(join(tmpdir(), "agent-home-"));
  return {
    PATH: process.env.PATH ?? "/usr/bin:/bin",
    HOME: home,
    LANG: "C.UTF-8",
    DATA_DIR: dataDir ?? join(home, "data"),
    LOG_FILE: join(home, "agent.log"),
    LLM_PROVIDER: "openai",
    OPENAI_BASE_URL: baseURL,
    OPENAI_API_KEY: "sk-test-0123456789abcdef",
    LLM_MAX_RETRIES: "0",
    NO_COLOR: "1",
    ...env,
  };
}

export function agentArgs(args: string[]): string[] {
  return ["--conditions=ts-coding-agent-source", "--import", tsxImport, agentMain, ...args];
}

/** Runs the agent to completion, feeding `stdin` (then EOF); kills it after `timeoutMs`. */
export function runAgent(
  args: string[],
  env: Record<string, string>,
  options: { stdin?: string; timeoutMs?: number; cwd?: string; user?: { uid: number; gid: number } } = {},
): Promise<AgentRun> {
  return spawnCollecting(process.execPath, agentArgs(args), {
    env,
    cwd: options.cwd ?? repoRoot,
    timeoutMs: options.timeoutMs ?? 30_000,
    stdin: options.stdin ?? "",
    ...(options.user ? { user: options.user } : {}),
  }).done;
}
