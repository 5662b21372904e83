// Starts a server's main.ts as a real child process (PORT=0 on 127.0.0.1) and learns its port from the
// "listening" log line, so tests can cover runFromEnv, signals and exit codes end to end.

import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

const repoRoot = fileURLToPath(new URL("../../../", import.meta.url));

/** A server process under test. */
export interface SpawnedServer {
  /** The child process. */
  child: ChildProcess;
  /** Base URL, e.g. http://127.0.0.1:41234 (no path). */
  baseUrl: string;
  /** Everything the process logged so far (stdout and stderr). */
  output(): string;
  /** Resolves with the exit code (or signal name) once the process has exited. */
  exited: Promise<number | string>;
}

/** Spawns `node --conditions=ts-coding-agent-source --import tsx <entry>`; rejects if no port is logged within 20 s. */
export function spawnServer(entry: string, env: Record<string, string> = {}): Promise<SpawnedServer> {
  const child = spawn(process.execPath, ["--conditions=ts-coding-agent-source", "--import", "tsx", entry], {
    cwd: repoRoot,
    env: { ...process.env, PORT: "0", HOST: "127.0.0.1", LOG_LEVEL: "info", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  const exited = new Promise<number | string>((resolve) => {
    child.on("exit", (code, signal) => resolve(code ?? signal ?? "unknown"));
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`server ${entry} logged no port within 20 s:\n${output}`));
    }, 20_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString("utf8");
      const port = /"port":(\d+)/.exec(output)?.[1];
      if (port !== undefined) {
        clearTimeout(timer);
        resolve({ child, baseUrl: `http://127.0.0.1:${port}`, output: () => output, exited });
      }
    };
    child.stdout.on("data", onData);
    child.stderr.on("data", onData);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`server ${entry} exited (${code}) before listening:\n${output}`));
    });
  });
}

/** Runs `<entry>` to completion with the given env; resolves with exit code and output (bounded 20 s). */
export function runToExit(
  entry: string,
  env: Record<string, string>,
): Promise<{ code: number | string; output: string }> {
  const child = spawn(process.execPath, ["--conditions=ts-coding-agent-source", "--import", "tsx", entry], {
    cwd: repoRoot,
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout.on("data", (c: Buffer) => {
    output += c.toString("utf8");
  });
  child.stderr.on("data", (c: Buffer) => {
    output += c.toString("utf8");
  });
  const timer = setTimeout(() => child.kill("SIGKILL"), 20_000);
  return new Promise((resolve) => {
    child.on("exit", (code, signal) => {
      clearTimeout(timer);
      resolve({ code: code ?? signal ?? "unknown", output });
    });
  });
}
