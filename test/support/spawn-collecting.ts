// Spawns a process, collects its stdout and stderr, and kills it after a deadline: the one runner the CLI
// tests and the benchmarks share (the agent, pi). `spawnedAt` is performance.now() at spawn, for timing.
import { type ChildProcess, spawn } from "node:child_process";

/** How a process ended and what it printed. */
export interface CollectedRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface SpawnedProcess {
  child: ChildProcess;
  /** performance.now() just before spawning. */
  spawnedAt: number;
  /** Resolves when the process has closed (also after the deadline's SIGKILL); rejects if it cannot start. */
  done: Promise<CollectedRun>;
}

export interface SpawnCollectingOptions {
  env: Record<string, string>;
  cwd: string;
  /** SIGKILL after this long. */
  timeoutMs: number;
  /** Written to stdin, which is then closed; without it stdin is /dev/null. */
  stdin?: string;
  /** Runs once the process has closed (e.g. removing its private HOME). */
  onClose?: () => void;
  /** Run as this user (needs root; supplementary groups are dropped). */
  user?: { uid: number; gid: number };
}

export function spawnCollecting(
  command: string,
  args: readonly string[],
  options: SpawnCollectingOptions,
): SpawnedProcess {
  const spawnedAt = performance.now();
  const child = spawn(command, args, {
    env: options.env,
    cwd: options.cwd,
    stdio: [options.stdin === undefined ? "ignore" : "pipe", "pipe", "pipe"],
    ...(options.user ?? {}),
  });
  let stdout = "";
  let stderr = "";
  child.stdout?.on("data", (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const timer = setTimeout(() => child.kill("SIGKILL"), options.timeoutMs);
  const done = new Promise<CollectedRun>((resolve, reject) => {
    child.on("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      options.onClose?.();
      resolve({ code, signal, stdout, stderr });
    });
  });
  if (options.stdin !== undefined) child.stdin?.end(options.stdin);
  return { child, spawnedAt, done };
}
