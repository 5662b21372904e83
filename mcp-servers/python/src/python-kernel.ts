// One persistent Python kernel: a `python3 -u kernel-driver.py` child in its own process group, driven over
// fd 3/4 JSON lines, with its stdout/stderr captured per cell, timeouts that interrupt, and group kill.

import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { createInterface } from "node:readline";
import type { Readable, Writable } from "node:stream";
import { setTimeout as wait } from "node:timers/promises";
import { driverPath } from "./driver-path.js";
import { KernelError } from "./kernel-error.js";
import { OutputCapture } from "./output-capture.js";

/** How a cell ended. */
export type ExecStatus = "ok" | "error" | "interrupted" | "timeout" | "died";

/**
 * The kernel's environment, built from scratch: the server's own (MCP_AUTH_TOKEN, anything compose passed)
 * never reaches model code.
 */
export function kernelEnvironment(env: NodeJS.ProcessEnv): Record<string, string> {
  const kept: Record<string, string> = {};
  for (const name of ["PATH", "HOME", "LANG", "LC_ALL", "TZ"]) {
    const value = env[name];
    if (value !== undefined) kept[name] = value;
  }
  return { PATH: "/usr/local/bin:/usr/bin:/bin", ...kept, PYTHONUNBUFFERED: "1", PYTHONIOENCODING: "utf-8" };
}

/** The result of running one cell. */
export interface ExecOutcome {
  /** ok; error (an exception); interrupted (python_interrupt or a cancelled call); timeout; died (state lost). */
  status: ExecStatus;
  /** Captured standard output, head/tail capped. */
  stdout: string;
  /** Captured standard error, head/tail capped. */
  stderr: string;
  /** repr() of the trailing expression's value, when there was one and it was not None. */
  result: string | null;
  /** Traceback or explanation when status is not ok. */
  error: string | null;
  /** Wall time of the call. */
  durationMs: number;
}

/** What the driver reports about itself. */
export interface KernelInfo {
  /** Python version, e.g. 3.11.2. */
  pythonVersion: string;
  /** Working directory of the kernel. */
  cwd: string;
  /** User-defined names (not starting with _) and their types. */
  names: Array<{ name: string; type: string }>;
}

export interface KernelSpawnOptions {
  /** Python executable; default python3 on PATH. */
  python?: string;
  /** Working directory for the kernel; default the server's. */
  cwd?: string;
  /** Most characters of stdout (and of stderr) kept per cell; default 50,000. */
  outputCap?: number;
  /** How long a kernel gets to answer SIGINT before it is killed; default 5 s. */
  interruptGraceMs?: number;
}

interface DriverReply {
  id: number;
  status: "ok" | "error" | "interrupted";
  result?: string | null;
  error?: string | null;
  python_version?: string;
  cwd?: string;
  names?: Array<{ name: string; type: string }>;
}

export class PythonKernel {
  readonly #child: ChildProcess;
  readonly #requests: Writable;
  readonly #stdout: OutputCapture;
  readonly #stderr: OutputCapture;
  readonly #waiting = new Map<number, (reply: DriverReply) => void>();
  readonly #graceMs: number;
  #nextId = 1;
  #busy = false;
  /** Stops the running cell; set while a cell runs. */
  #stopCell: ((why: "timeout" | "interrupted") => void) | undefined;
  #exit: { code: number | null; signal: string | null } | undefined;
  readonly #exited: Promise<void>;
  /** Date.now() of the last call that finished (or of the start). */
  lastUsed = Date.now();

  private constructor(
    readonly id: string,
    options: KernelSpawnOptions,
  ) {
    const cap = options.outputCap ?? 50_000;
    this.#graceMs = options.interruptGraceMs ?? 5000;
    this.#stdout = new OutputCapture(cap);
    this.#stderr = new OutputCapture(cap);
    // detached: its own process group, so an interrupt or a kill reaches the processes it started too.
    this.#child = spawn(options.python ?? "python3", ["-u", driverPath()], {
      cwd: options.cwd,
      detached: true,
      stdio: ["ignore", "pipe", "pipe", "pipe", "pipe"],
      env: kernelEnvironment(process.env),
    });
    this.#requests = this.#child.stdio[3] as Writable;
    this.#requests.on("error", () => undefined);
    this.#child.stdout?.on("data", (chunk: Buffer) => this.#stdout.push(chunk));
    this.#child.stderr?.on("data", (chunk: Buffer) => this.#stderr.push(chunk));
    createInterface({ input: this.#child.stdio[4] as Readable }).on("line", (line) => this.#onReply(line));
    this.#exited = new Promise((resolve) => {
      this.#child.on("error", () => undefined);
      this.#child.on("close", (code, signal) => {
        this.#exit = { code, signal };
        resolve();
      });
    });
  }

  /** Starts a kernel and waits until it answers; throws KernelError("start-failed") when it cannot. */
  static async start(id: string, options: KernelSpawnOptions = {}): Promise<PythonKernel> {
    const kernel = new PythonKernel(id, options);
    try {
      await kernel.info(15_000);
      return kernel;
    } catch (error) {
      await kernel.kill();
      const why = error instanceof Error ? error.message : String(error);
      throw new KernelError(
        `Python kernel could not start (${why}); check that ${options.python ?? "python3"} is installed and on PATH`,
        "start-failed",
        id,
      );
    }
  }

  /** OS process id (also the process group id). */
  get pid(): number | undefined {
    return this.#child.pid;
  }

  get alive(): boolean {
    return this.#exit === undefined;
  }

  get busy(): boolean {
    return this.#busy;
  }

  /** How the process ended, e.g. "exit code 1" or "signal SIGKILL"; undefined while alive. */
  get exitDescription(): string | undefined {
    if (this.#exit === undefined) return undefined;
    return this.#exit.signal !== null ? `signal ${this.#exit.signal}` : `exit code ${this.#exit.code}`;
  }

  /** Asks the driver for its version and names. Throws KernelError when busy or dead. */
  async info(timeoutMs = 10_000): Promise<KernelInfo> {
    if (this.#busy) throw new KernelError(`kernel '${this.id}' is busy running a cell`, "busy", this.id);
    const reply = await this.#request({ op: "status" }, timeoutMs);
    if (reply === undefined) throw new KernelError(`kernel '${this.id}' did not answer`, "died", this.id);
    return { pythonVersion: reply.python_version ?? "", cwd: reply.cwd ?? "", names: reply.names ?? [] };
  }

  /**
   * Runs one cell. On timeout or abort the kernel is interrupted (SIGINT to its group) and keeps its state;
   * if it does not stop within the grace period it is killed and the outcome says "died".
   */
  async exec(code: string, options: { timeoutMs: number; signal?: AbortSignal }): Promise<ExecOutcome> {
    if (!this.alive) throw new KernelError(`kernel '${this.id}' is not running`, "died", this.id);
    if (this.#busy) {
      throw new KernelError(
        `kernel '${this.id}' is busy running another cell; wait for it, or call python_interrupt`,
        "busy",
        this.id,
      );
    }
    this.#busy = true;
    const started = Date.now();
    const marker = `\u001e${randomBytes(8).toString("hex")}\u001e`;
    let stdoutDone!: () => void;
    let stderrDone!: () => void;
    const markers = Promise.all([
      new Promise<void>((resolve) => {
        stdoutDone = resolve;
      }),
      new Promise<void>((resolve) => {
        stderrDone = resolve;
      }),
    ]);
    this.#stdout.expect(marker, () => stdoutDone());
    this.#stderr.expect(marker, () => stderrDone());
    try {
      const id = this.#nextId++;
      const reply = this.#reply(id);
      this.#write({ id, op: "exec", code, marker });
      let stopped: "timeout" | "interrupted" | undefined;
      let onStopped!: () => void;
      const stoppedThenGrace = new Promise<void>((resolve) => {
        onStopped = resolve;
      }).then(() => wait(this.#graceMs, undefined, { ref: false }));
      // A SIGINT that lands before the driver has started the cell is ignored by it, so keep sending one
      // until the reply comes; once the cell has ended the driver ignores them, so none leaks into the next.
      let resend: NodeJS.Timeout | undefined;
      const stop = (why: "timeout" | "interrupted") => {
        if (stopped !== undefined) return;
        stopped = why;
        this.#signalGroup("SIGINT");
        resend = setInterval(() => this.#signalGroup("SIGINT"), 250);
        onStopped();
      };
      this.#stopCell = stop;
      const timer = setTimeout(() => stop("timeout"), options.timeoutMs);
      const onAbort = () => stop("interrupted");
      options.signal?.addEventListener("abort", onAbort, { once: true });
      if (options.signal?.aborted) onAbort();
      let answer: DriverReply | undefined;
      try {
        answer = await Promise.race([
          reply,
          this.#exited.then(() => undefined),
          stoppedThenGrace.then(() => undefined),
        ]);
      } finally {
        clearTimeout(timer);
        clearInterval(resend);
        this.#stopCell = undefined;
        options.signal?.removeEventListener("abort", onAbort);
        this.#waiting.delete(id);
      }
      if (answer === undefined && this.alive) await this.kill();
      // The markers follow the reply on other pipes; give them a moment, bounded, then take what came.
      if (answer !== undefined) await Promise.race([markers, wait(2000, undefined, { ref: false })]);
      const stdout = this.#stdout.take().text;
      const stderr = this.#stderr.take().text;
      const durationMs = Date.now() - started;
      if (answer === undefined) {
        const why =
          stopped === undefined
            ? `the kernel process ended (${this.exitDescription ?? "unknown"})`
            : `the cell ignored the interrupt for ${this.#graceMs / 1000} s (a handler caught it, or it was blocked in C code), so the kernel was killed`;
        const error = `${why}; its variables are lost and the next call starts a fresh kernel`;
        return { status: "died", stdout, stderr, result: null, error, durationMs };
      }
      if (answer.status === "interrupted" && stopped === "timeout") {
        const error = `Timed out after ${options.timeoutMs / 1000} s: the cell was interrupted; the kernel and its variables are kept.\n${answer.error ?? ""}`;
        return { status: "timeout", stdout, stderr, result: null, error, durationMs };
      }
      return {
        status: answer.status,
        stdout,
        stderr,
        result: answer.result ?? null,
        error: answer.error ?? null,
        durationMs,
      };
    } finally {
      this.#busy = false;
      this.lastUsed = Date.now();
    }
  }

  /** Interrupts the running cell (like Ctrl-C; its outcome becomes "interrupted"); false when idle or dead. */
  interrupt(): boolean {
    if (this.#stopCell === undefined || !this.alive) return false;
    this.#stopCell("interrupted");
    return true;
  }

  #signalGroup(signal: NodeJS.Signals): void {
    if (this.#child.pid === undefined || !this.alive) return;
    try {
      process.kill(-this.#child.pid, signal);
    } catch {
      // Already gone.
    }
  }

  /** Kills the kernel's whole process group and waits for the kernel to exit. Never throws. */
  async kill(): Promise<void> {
    this.killNow();
    await Promise.race([this.#exited, wait(5000, undefined, { ref: false })]);
  }

  /** Synchronous SIGKILL of the process group, for process-exit handlers. */
  killNow(): void {
    if (this.#child.pid === undefined) return;
    try {
      process.kill(-this.#child.pid, "SIGKILL");
    } catch {
      // Already gone (the whole group).
    }
  }

  #write(request: object): void {
    this.#requests.write(`${JSON.stringify(request)}\n`);
  }

  #reply(id: number): Promise<DriverReply> {
    return new Promise((resolve) => this.#waiting.set(id, resolve));
  }

  async #request(request: { op: string }, timeoutMs: number): Promise<DriverReply | undefined> {
    const id = this.#nextId++;
    const reply = this.#reply(id);
    this.#write({ id, ...request });
    try {
      return await Promise.race([
        reply,
        this.#exited.then(() => undefined),
        wait(timeoutMs, undefined, { ref: false }).then(() => undefined),
      ]);
    } finally {
      this.#waiting.delete(id);
    }
  }

  #onReply(line: string): void {
    let reply: DriverReply;
    try {
      reply = JSON.parse(line) as DriverReply;
    } catch {
      return;
    }
    const resolve = this.#waiting.get(reply.id);
    this.#waiting.delete(reply.id);
    resolve?.(reply);
  }
}
