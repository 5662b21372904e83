// Starts the real agent CLI (built, or from source through tsx) against a scripted LLM server, with a clean
// environment of its own, and tells when it was spawned so start-up can be timed on the same clock.
import { existsSync, rmSync } from "node:fs";
import { join } from "node:path";
import { agentArgs, agentEnv, repoRoot } from "../../test/support/run-agent.js";
import { type SpawnedProcess, spawnCollecting } from "../../test/support/spawn-collecting.js";
import { BenchCheckError } from "./bounded.js";

export type AgentBuild = "built" | "source";

export const builtAgentMain = join(repoRoot, "agent", "dist", "main.js");
export const builtToolhostMain = join(repoRoot, "mcp-servers", "toolhost", "dist", "main.js");

/** Throws with the fix when the built agent or toolhost is missing. */
export function requireBuild(): void {
  if (!existsSync(builtAgentMain) || !existsSync(builtToolhostMain)) {
    throw new BenchCheckError(
      `The built agent or toolhost is missing (${builtAgentMain}, ${builtToolhostMain}): run npm run build first.`,
    );
  }
}

/** A running agent: its process, when it was spawned (performance.now()), and how it ended. */
export type AgentProcess = SpawnedProcess;

export interface StartAgentOptions {
  build: AgentBuild;
  baseURL: string;
  workspace: string;
  /** Extra CLI arguments after -p task. */
  args?: string[];
  /** Killed after this long. */
  timeoutMs: number;
  /** The sandbox (default local). */
  sandbox?: "local" | "docker";
  /** Extra environment variables. */
  env?: Record<string, string>;
}

export function startAgent(task: string, options: StartAgentOptions): AgentProcess {
  const env = agentEnv({ baseURL: options.baseURL, env: { LOG_LEVEL: "warn", ...options.env } });
  const cliArgs = [
    "-p",
    task,
    "--sandbox",
    "local",
    "--workspace",
    options.workspace,
    ...(options.args ?? []),
  ];
  // BENCH_CPU_PROF=<dir> writes a V8 CPU profile of every agent process there (see profile-summary.ts).
  const profile = process.env.BENCH_CPU_PROF
    ? ["--cpu-prof", `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`]
    : [];
  const entry = options.build === "built" ? [builtAgentMain, ...cliArgs] : agentArgs(cliArgs);
  const argv = [...profile, ...entry];
  return spawnCollecting(process.execPath, argv, {
    env,
    cwd: options.workspace,
    timeoutMs: options.timeoutMs,
    onClose: () => {
      if (env.HOME) rmSync(env.HOME, { recursive: true, force: true });
    },
  });
}
