// Runs one dynamic tool call in a fresh sandboxed node process (see sandbox-node.ts) with an empty
// environment: serves its ctx requests over IPC, kills its process group at the timeout, caps its output.
import { spawn } from "node:child_process";
import path from "node:path";
import { OUTPUT_LIMIT_BYTES } from "../output-capture.js";
import type { ProcessGroups } from "../process-groups.js";
import type { ToolOutcome } from "../tool-descriptor.js";
import { childMessageSchema, RUNNER_SOURCE, type ToChild } from "./runner-script.js";
import { sandboxedNodeArgs, TOOL_HEAP_MB } from "./sandbox-node.js";
import type { ContextOperation } from "./tool-context.js";

/** Console output (stdout + stderr) of a tool process kept for the result. */
const CONSOLE_LIMIT_BYTES = 8 * 1024;
/** ctx operations one call may have running at once, and in total: a tool cannot flood the toolhost. */
export const MAX_CONCURRENT_OPERATIONS = 16;
const MAX_OPERATIONS_PER_CALL = 10_000;
const MAX_STACK_FRAMES = 10;
/** How long the process may take to exit after sending its result before it is killed. */
const RESULT_GRACE_MS = 1000;

export interface RunToolOptions {
  /** The tool's name, for messages and to pick its stack frames. */
  name: string;
  /** The compiled module (in the toolhost's cache, outside the workspace). */
  compiledFile: string;
  /** Arguments, already validated against the tool's schema. */
  args: Record<string, unknown>;
  /** Seconds before the process group is killed (the shell's default timeout). */
  timeoutSeconds: number;
  /** Aborted when the client cancels the call or the toolhost shuts down. */
  signal: AbortSignal;
  /** Serves ctx requests. */
  operations: ContextOperation;
  /** Where the process group is registered, so shutdown kills it too. */
  processGroups: ProcessGroups;
  /** The runner program (runner-script.ts); default: a dynamic tool's, with `ctx`. */
  runnerSource?: string;
  /** The source path stack frames are kept for; default `dynamic-tools/<name>/index.ts`. */
  sourcePath?: string;
  /** What the note on a cut result suggests instead; default ctx.writeFile. */
  cutHint?: string;
  /** Each chunk of console output as it comes (progress for the user; the result keeps its own copy). */
  onOutput?: (chunk: Buffer) => void;
}

type Ending =
  | { kind: "done"; ok: true; text: string }
  | { kind: "done"; ok: false; message: string; stack: string }
  | { kind: "exited"; code: number | null; signal: NodeJS.Signals | null }
  | { kind: "timed-out" }
  | { kind: "cancelled" }
  | { kind: "failed"; error: Error };

class BoundedText {
  private chunks: Buffer[] = [];
  private bytes = 0;
  cut = false;
  push(chunk: Buffer): void {
    const room = CONSOLE_LIMIT_BYTES - this.bytes;
    if (room <= 0) {
      this.cut = true;
      return;
    }
    this.chunks.push(chunk.subarray(0, room));
    this.bytes += Math.min(room, chunk.length);
    if (chunk.length > room) this.cut = true;
  }
  text(): string {
    return Buffer.concat(this.chunks)
      .toString("utf8")
      .replace(/\uFFFD$/, "");
  }
}

/** The frames of `stack` in the code's own source (`sourcePath`), with the cache path before it taken off. */
export function toolFrames(stack: string, sourcePath: string): string[] {
  const top = sourcePath.split("/")[0] ?? sourcePath;
  // `top` is ours (dynamic-tools, run_code): no characters special in a pattern.
  const cachePath = new RegExp(`(?:file://)?/[^\\s()]*?(${top}/)`);
  return stack
    .split("\n")
    .filter((line) => /^\s+at /.test(line) && line.includes(sourcePath))
    .slice(0, MAX_STACK_FRAMES)
    .map((line) => line.replace(cachePath, "$1").trimEnd());
}

function capText(text: string, hint: string): string {
  if (text.length <= OUTPUT_LIMIT_BYTES) return text;
  return `${text.slice(0, OUTPUT_LIMIT_BYTES)}\n\n[The result was cut at ${OUTPUT_LIMIT_BYTES} characters; return less, or ${hint}.]`;
}

function describe(ending: Ending, options: RunToolOptions, console: string): ToolOutcome {
  const consoleNote = console === "" ? "" : `\n\n[console output]\n${console}`;
  const { name, timeoutSeconds } = options;
  switch (ending.kind) {
    case "done":
      if (ending.ok) {
        const hint = options.cutHint ?? "write the full result to a file with ctx.writeFile";
        return { text: `${capText(ending.text, hint)}${consoleNote}` };
      }
      return {
        text:
          [
            `${name} threw: ${ending.message}`,
            ...toolFrames(ending.stack, options.sourcePath ?? `dynamic-tools/${name}/index.ts`),
          ].join("\n") + consoleNote,
        isError: true,
      };
    case "timed-out":
      return {
        text: `${name} did not finish within ${timeoutSeconds} s and was killed. Make it do less per call (or fix an endless loop), then call it again.${consoleNote}`,
        isError: true,
      };
    case "cancelled":
      return { text: `${name} was cancelled and its process killed.${consoleNote}`, isError: true };
    case "failed":
      return { text: `${name} could not be started: ${ending.error.message}`, isError: true };
    case "exited": {
      const outOfMemory = /heap out of memory|allocation failed/i.test(console);
      const how =
        ending.signal !== null ? `was killed by ${ending.signal}` : `exited with code ${ending.code}`;
      const why = outOfMemory ? ` after running out of memory (limit ${TOOL_HEAP_MB} MB)` : "";
      return {
        text: `${name} ${how}${why} before returning a result. Check for process.exit calls or unhandled errors in timers.${consoleNote}`,
        isError: true,
      };
    }
  }
}

/** Runs the tool once. Never throws: every failure is an error outcome the model can act on. */
export async function runDynamicTool(options: RunToolOptions): Promise<ToolOutcome> {
  const operationsAbort = new AbortController();
  const consoleOutput = new BoundedText();
  let child: ReturnType<typeof spawn>;
  try {
    child = spawn(
      process.execPath,
      sandboxedNodeArgs(options.compiledFile, options.runnerSource ?? RUNNER_SOURCE),
      {
        // No variable at all: the tool sees neither the toolhost's environment nor any secret.
        env: {},
        cwd: path.dirname(options.compiledFile),
        detached: true,
        stdio: ["ignore", "pipe", "pipe", "ipc"],
        serialization: "json",
      },
    );
  } catch (error) {
    return describe({ kind: "failed", error: error as Error }, options, "");
  }
  const leader = child.pid;
  if (leader !== undefined) options.processGroups.add(leader);
  const onOutput = (chunk: Buffer): void => {
    consoleOutput.push(chunk);
    options.onOutput?.(chunk);
  };
  child.stdout?.on("data", onOutput);
  child.stderr?.on("data", onOutput);

  let settle: (ending: Ending) => void = () => undefined;
  const ended = new Promise<Ending>((resolve) => {
    settle = resolve;
  });
  let finished = false;
  let result: Ending | undefined;
  let grace: NodeJS.Timeout | undefined;
  const finish = (ending: Ending): void => {
    if (finished) return;
    finished = true;
    settle(result ?? ending);
  };
  // The runner exits right after sending its result; waiting for that lets the console output drain.
  const resultIn = (ending: Ending): void => {
    if (result !== undefined) return;
    result = ending;
    grace = setTimeout(() => finish(ending), RESULT_GRACE_MS);
  };
  const send = (message: ToChild): void => {
    if (!finished && result === undefined && child.connected) child.send(message, () => undefined);
  };
  let running = 0;
  let started = 0;
  child.on("message", (raw: unknown) => {
    const parsed = childMessageSchema.safeParse(raw);
    if (!parsed.success || finished || result !== undefined) return;
    const message = parsed.data;
    if (message.kind === "done") {
      resultIn(message);
      return;
    }
    const { id } = message;
    if (running >= MAX_CONCURRENT_OPERATIONS || started >= MAX_OPERATIONS_PER_CALL) {
      const limit =
        running >= MAX_CONCURRENT_OPERATIONS
          ? `${MAX_CONCURRENT_OPERATIONS} ctx operations at once`
          : `${MAX_OPERATIONS_PER_CALL} ctx operations per call`;
      send({
        kind: "ctx-result",
        id,
        ok: false,
        message: `Over the limit of ${limit}; await each operation.`,
      });
      return;
    }
    running++;
    started++;
    options
      .operations(message.op, message.params, operationsAbort.signal)
      .then(
        (value) => send({ kind: "ctx-result", id, ok: true, value }),
        (error: unknown) =>
          send({
            kind: "ctx-result",
            id,
            ok: false,
            message: error instanceof Error ? error.message : String(error),
          }),
      )
      .finally(() => {
        running--;
      });
  });
  child.once("error", (error) => finish({ kind: "failed", error }));
  // "close" waits for stdout and stderr to end, so the console output is complete.
  child.once("close", (code, signal) => finish({ kind: "exited", code, signal }));
  const timer = setTimeout(() => finish({ kind: "timed-out" }), options.timeoutSeconds * 1000);
  const onAbort = (): void => finish({ kind: "cancelled" });
  if (options.signal.aborted) onAbort();
  options.signal.addEventListener("abort", onAbort, { once: true });
  send({ kind: "run", args: options.args });

  try {
    const ending = await ended;
    return describe(
      ending,
      options,
      consoleOutput.text() + (consoleOutput.cut ? "\n[console output cut]" : ""),
    );
  } finally {
    clearTimeout(timer);
    clearTimeout(grace);
    options.signal.removeEventListener("abort", onAbort);
    // The result is in: stop whatever the tool left behind (timers, pending ctx.shell commands).
    operationsAbort.abort();
    if (leader !== undefined) options.processGroups.kill(leader);
    child.stdout?.destroy();
    child.stderr?.destroy();
    if (child.connected) child.disconnect();
  }
}
