// Runs a TypeScript helper script as a real child process (node + tsx) and waits for the lines it prints.
// Every child is tracked so a test's afterEach can kill whatever is still running.
import { type ChildProcess, spawn } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(here, "../../..");
const running = new Set<ChildProcess>();

/**
 * Starts a script with `args`: a compiled `.js` path runs on plain node, a `.ts` name in this folder runs
 * through tsx. Stdout is readable (stdin too with `stdin: "pipe"`); stderr is collected for error messages.
 */
export function spawnScript(
  script: string,
  args: string[],
  options: { stdin?: "pipe" } = {},
): ChildProcess & { stderrText: () => string } {
  const argv = script.endsWith(".js")
    ? [script, ...args]
    : ["--conditions=ts-coding-agent-source", "--import", "tsx/esm", path.join(here, script), ...args];
  const child = spawn(process.execPath, argv, {
    cwd: repoRoot,
    stdio: [options.stdin ?? "ignore", "pipe", "pipe"],
  });
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  running.add(child);
  child.on("exit", () => running.delete(child));
  return Object.assign(child, { stderrText: () => stderr });
}

/** Resolves when the child prints `line`; rejects if it exits first or `timeoutMs` passes. */
export function waitForLine(
  child: ChildProcess & { stderrText: () => string },
  line: string,
  timeoutMs = 20_000,
) {
  return new Promise<void>((resolve, reject) => {
    let out = "";
    const timer = setTimeout(
      () => finish(new Error(`no "${line}" within ${timeoutMs} ms: ${child.stderrText()}`)),
      timeoutMs,
    );
    const onData = (chunk: Buffer) => {
      out += chunk.toString();
      if (out.split("\n").includes(line)) finish();
    };
    const onExit = () => finish(new Error(`child exited before "${line}": ${child.stderrText()}`));
    const finish = (error?: Error) => {
      clearTimeout(timer);
      child.stdout?.off("data", onData);
      child.off("exit", onExit);
      if (error) reject(error);
      else resolve();
    };
    child.stdout?.on("data", onData);
    child.once("exit", onExit);
  });
}

/** SIGKILLs the child (if still running) and resolves once it is gone. */
export function killHard(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once("exit", () => resolve());
    child.kill("SIGKILL");
  });
}

/** Kills every child still running: for afterEach. */
export async function killAll(): Promise<void> {
  await Promise.all([...running].map(killHard));
}
