// shell: runs a command with bash -lc in the workspace, in its own process group, with a timeout; kills the
// whole group on timeout or cancel; bounded output (head + tail, full log spilled) and streamed progress.
import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { constants } from "node:fs";
import { open } from "node:fs/promises";
import { StringDecoder } from "node:string_decoder";
import { z } from "zod";
import { OutputCapture, SPILL_MAX_BYTES } from "../output-capture.js";
import type { ProcessGroups } from "../process-groups.js";
import { pruneSpillLogs, SPILL_TOTAL_MAX_BYTES } from "../spill-logs.js";
import type { ToolCallContext, ToolDescriptor, ToolOutcome } from "../tool-descriptor.js";
import type { Workspace } from "../workspace.js";

const LOG_DIRECTORY = ".agent/logs";
// After the command's main process exits, how long background processes may keep its output pipe open.
const DRAIN_GRACE_MS = 1000;

export interface ShellDeps {
  /** Where commands run (their working directory) and where logs are spilled. */
  workspace: Workspace;
  /** Every group started is registered here so shutdown can kill it. */
  processGroups: ProcessGroups;
  /** The environment commands get (the toolhost's own, already clean); pager and colour settings are added. */
  env: Readonly<Record<string, string | undefined>>;
  /** Timeout when the model gives none, in seconds. */
  defaultTimeoutSeconds: number;
  /** Largest timeout the model may ask for, in seconds. */
  maxTimeoutSeconds: number;
}

type Ending =
  | { kind: "exited"; code: number | null; signal: NodeJS.Signals | null }
  | { kind: "timed-out" }
  | { kind: "cancelled" }
  | { kind: "failed"; error: Error };

function inputShapeFor(deps: ShellDeps) {
  return {
    command: z.string().min(1).describe("Bash command, run in the workspace root."),
    timeout_seconds: z
      .number()
      .positive()
      .optional()
      .describe(`Default ${deps.defaultTimeoutSeconds}, max ${deps.maxTimeoutSeconds}.`),
  };
}

function describeEnding(ending: Ending, timeoutSeconds: number): { status: string; isError: boolean } {
  switch (ending.kind) {
    case "exited":
      if (ending.signal !== null) return { status: `[killed by signal ${ending.signal}]`, isError: true };
      return { status: `[exit code ${ending.code ?? "unknown"}]`, isError: ending.code !== 0 };
    case "timed-out":
      return {
        status: `[Timed out after ${timeoutSeconds} s; the command and every process it started were killed. Pass a larger timeout_seconds, or run it in the background with output to a file.]`,
        isError: true,
      };
    case "cancelled":
      return { status: "[Cancelled; the command and every process it started were killed.]", isError: true };
    case "failed":
      return { status: `[Could not run the command: ${ending.error.message}]`, isError: true };
  }
}

/** Creates the shell tool. */
export function createShellTool(deps: ShellDeps): ToolDescriptor<ReturnType<typeof inputShapeFor>> {
  return {
    name: "shell",
    description:
      "Run a bash command in the workspace. Returns exit code and output (stdout+stderr, bounded).",
    inputShape: inputShapeFor(deps),
    async handler(args, context) {
      const requested = args.timeout_seconds ?? deps.defaultTimeoutSeconds;
      const timeoutSeconds = Math.min(requested, deps.maxTimeoutSeconds);
      const logName = `shell-${new Date().toISOString().replace(/[:.]/g, "-")}-${randomBytes(3).toString("hex")}.log`;
      const capture = new OutputCapture({
        relativePath: `${LOG_DIRECTORY}/${logName}`,
        open: async () => {
          const logs = await deps.workspace.openInternalDirectory(LOG_DIRECTORY);
          try {
            // Room for this log: the older ones beyond the total budget go.
            await pruneSpillLogs(logs.viaPath, SPILL_TOTAL_MAX_BYTES - SPILL_MAX_BYTES);
            const flags = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW;
            return await open(`${logs.viaPath}/${logName}`, flags, 0o644);
          } finally {
            await logs.handle.close();
          }
        },
      });
      try {
        const { ending, note } = await run(deps, args.command, timeoutSeconds, capture, context);
        const { status, isError } = describeEnding(ending, timeoutSeconds);
        const output = capture.totalBytes === 0 ? "(no output)" : capture.render();
        const clamped =
          requested > deps.maxTimeoutSeconds
            ? `\n[timeout_seconds ${requested} is over the maximum; ${deps.maxTimeoutSeconds} was used.]`
            : "";
        const result: ToolOutcome = { text: `${output}\n${status}${note}${clamped}`, isError };
        return result;
      } finally {
        await capture.close();
      }
    },
  };
}

async function run(
  deps: ShellDeps,
  command: string,
  timeoutSeconds: number,
  capture: OutputCapture,
  context: ToolCallContext,
): Promise<{ ending: Ending; note: string }> {
  const env = { ...deps.env, TERM: "dumb", PAGER: "cat", GIT_PAGER: "cat", NO_COLOR: "1" };
  let child: ChildProcess;
  try {
    // The outer bash merges stderr into stdout at the descriptor (true interleaving), then becomes the login shell.
    child = spawn("bash", ["-c", 'exec 2>&1; exec bash -lc "$1"', "bash", command], {
      cwd: deps.workspace.root,
      env,
      detached: true,
      stdio: ["ignore", "pipe", "ignore"],
    });
  } catch (error) {
    return { ending: { kind: "failed", error: error as Error }, note: "" };
  }
  const leader = child.pid;
  if (leader !== undefined) deps.processGroups.add(leader);
  let forced: Ending | undefined;
  let note = "";
  const stop = (why: Ending): void => {
    if (forced !== undefined) return;
    forced = why;
    if (leader !== undefined) deps.processGroups.kill(leader);
  };
  const timer = setTimeout(() => stop({ kind: "timed-out" }), timeoutSeconds * 1000);
  const onAbort = (): void => stop({ kind: "cancelled" });
  if (context.signal.aborted) onAbort();
  context.signal.addEventListener("abort", onAbort, { once: true });

  const exited = new Promise<Ending>((resolve) => {
    child.once("error", (error) => resolve({ kind: "failed", error }));
    child.once("exit", (code, signal) => resolve({ kind: "exited", code, signal }));
  });
  const drained = (async () => {
    const decoder = context.reportProgress === undefined ? undefined : new StringDecoder("utf8");
    const stdout = child.stdout;
    if (stdout === null) return;
    for await (const chunk of stdout) {
      const buffer = chunk as Buffer;
      if (decoder !== undefined) context.reportProgress?.(decoder.write(buffer));
      await capture.write(buffer);
    }
  })();
  // Awaited below; this only keeps an early stream error from counting as an unhandled rejection.
  drained.catch(() => undefined);
  try {
    const ending = await exited;
    // Background processes holding the output pipe would keep us waiting forever: give them a moment, then
    // kill the group and stop reading.
    let grace: NodeJS.Timeout | undefined;
    const lingered = await Promise.race([
      drained.then(
        () => false,
        () => false,
      ),
      new Promise<boolean>((resolve) => {
        grace = setTimeout(() => resolve(true), DRAIN_GRACE_MS);
      }),
    ]);
    clearTimeout(grace);
    if (lingered) {
      if (leader !== undefined) deps.processGroups.kill(leader);
      child.stdout?.destroy();
      note =
        "\n[Background processes still held the output when the command ended and were stopped; start " +
        "long-running servers with their output redirected to a file (cmd > log 2>&1 &).]";
    }
    await drained.catch(() => undefined);
    return { ending: forced ?? ending, note };
  } finally {
    clearTimeout(timer);
    context.signal.removeEventListener("abort", onAbort);
  }
}
