// An MCP stdio transport over a child process we spawn ourselves, with an environment built from scratch.
// The SDK's StdioClientTransport merges its own default environment (USER, SHELL, ...) and cannot kill a group.
import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import { homedir } from "node:os";
import { ReadBuffer, serializeMessage } from "@modelcontextprotocol/sdk/shared/stdio.js";
import type { Transport } from "@modelcontextprotocol/sdk/shared/transport.js";
import type { JSONRPCMessage } from "@modelcontextprotocol/sdk/types.js";
import { type Logger, silentLogger } from "../log/logger.js";
import { deliverJsonRpcLines } from "./json-rpc-lines.js";
import { SandboxError } from "./launcher.js";

/** How long a child gets between SIGTERM and SIGKILL when we stop it. */
const TERM_GRACE_MS = 1_500;
/** How much of the child's stderr we keep to explain why it died. */
const STDERR_TAIL_CHARS = 2_000;

export interface ChildProcessTransportOptions {
  /** Executable to run (absolute path, or a name looked up on `env.PATH`). */
  command: string;
  /** Arguments to the executable. */
  args: string[];
  /** The child's whole environment: nothing of `process.env` is added. */
  env: Record<string, string>;
  /** Working directory of the child; defaults to ours. */
  cwd?: string;
  /** Name used in messages ("toolhost", "server \"fs\""). */
  label: string;
  /** Receives the child's stderr lines at debug level. */
  logger?: Logger;
}

/**
 * PATH, HOME and LANG of this process and nothing else: what a tool server needs to find programs and write
 * UTF-8, without any of the agent's secrets.
 */
export function minimalEnvironment(): Record<string, string> {
  return {
    PATH: process.env.PATH ?? "/usr/local/bin:/usr/bin:/bin",
    HOME: process.env.HOME ?? homedir(),
    LANG: process.env.LANG ?? "C.UTF-8",
  };
}

/** Children alive right now, killed synchronously if the agent exits without closing them (Ctrl-C, /bye). */
const liveChildren = new Set<ChildProcessWithoutNullStreams>();
let exitHookInstalled = false;

function killGroup(child: ChildProcessWithoutNullStreams, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    // The child leads its own process group (detached), so a negative pid reaches its descendants too.
    process.kill(-child.pid, signal);
  } catch {
    try {
      child.kill(signal);
    } catch {
      // Already gone.
    }
  }
}

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on("exit", () => {
    for (const child of liveChildren) killGroup(child, "SIGKILL");
  });
}

/**
 * Speaks newline-delimited JSON-RPC over a child's stdin/stdout. When the child exits on its own, `onerror`
 * receives a `SandboxError` saying how (exit code or signal, stderr tail) just before `onclose`.
 */
export class ChildProcessTransport implements Transport {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: (message: JSONRPCMessage) => void;

  private child: ChildProcessWithoutNullStreams | undefined;
  private readonly readBuffer = new ReadBuffer();
  private stderrTail = "";
  private closing = false;
  private exited: Promise<void> = Promise.resolve();

  constructor(private readonly options: ChildProcessTransportOptions) {}

  /** Pid of the child once started; undefined before `start()` and after it exited. */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  async start(): Promise<void> {
    if (this.child) throw new Error(`${this.options.label}: transport already started`);
    const { command, args, env, cwd, label } = this.options;
    const logger = this.options.logger ?? silentLogger;
    installExitHook();
    const child = spawn(command, args, { env, cwd, stdio: ["pipe", "pipe", "pipe"], detached: true });
    this.child = child;
    this.exited = new Promise((resolve) => child.once("exit", () => resolve()));
    let spawned = false;
    await new Promise<void>((resolve, reject) => {
      child.once("spawn", () => {
        spawned = true;
        resolve();
      });
      child.on("error", (error) => {
        if (spawned) {
          logger.warn({ server: label, err: error.message }, "mcp server process error");
          return;
        }
        this.child = undefined;
        reject(new SandboxError(`${label}: cannot start ${command}: ${error.message}`, { cause: error }));
      });
    });
    liveChildren.add(child);
    child.stdout.on("data", (chunk: Buffer) => this.onStdout(chunk));
    child.stderr.setEncoding("utf8");
    child.stderr.on("data", (text: string) => {
      this.stderrTail = (this.stderrTail + text).slice(-STDERR_TAIL_CHARS);
      logger.debug({ server: label, stderr: text.trimEnd() }, "mcp server stderr");
    });
    // EPIPE when the child died while we wrote: the exit handler reports the real cause.
    child.stdin.on("error", () => undefined);
    child.once("exit", (code, signal) => {
      liveChildren.delete(child);
      this.child = undefined;
      if (!this.closing) this.onerror?.(new SandboxError(this.describeExit(code, signal)));
      this.onclose?.();
    });
  }

  async send(message: JSONRPCMessage): Promise<void> {
    const child = this.child;
    if (!child?.stdin.writable) throw new Error(`${this.options.label}: not connected`);
    if (!child.stdin.write(serializeMessage(message))) {
      await new Promise<void>((resolve) => child.stdin.once("drain", () => resolve()));
    }
  }

  /** Ends stdin, then SIGTERM and SIGKILL the child's process group; resolves once the child has exited. */
  async close(): Promise<void> {
    this.closing = true;
    const child = this.child;
    if (!child) return;
    child.stdin.end();
    killGroup(child, "SIGTERM");
    let timer: NodeJS.Timeout | undefined;
    const grace = new Promise<"timeout">((resolve) => {
      timer = setTimeout(() => resolve("timeout"), TERM_GRACE_MS);
    });
    const outcome = await Promise.race([this.exited, grace]);
    clearTimeout(timer);
    if (outcome === "timeout") {
      killGroup(child, "SIGKILL");
      await this.exited;
    }
    // The group may still hold grandchildren that ignored SIGTERM; they must not outlive us.
    killGroup(child, "SIGKILL");
    this.readBuffer.clear();
  }

  private onStdout(chunk: Buffer): void {
    if (!deliverJsonRpcLines(this.readBuffer, chunk, this, this.options.label)) void this.close();
  }

  private describeExit(code: number | null, signal: NodeJS.Signals | null): string {
    const how = signal ? `was killed by ${signal}` : `exited with code ${code}`;
    const tail = this.stderrTail.trim().split("\n").slice(-5).join(" | ");
    return `${this.options.label} ${how}${tail ? ` (stderr: ${tail})` : ""}`;
  }
}
