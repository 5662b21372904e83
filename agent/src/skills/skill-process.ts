// Runs one skill's compiled code in its own program (a container, or a local process: NodeProgramRunner) and
// serves its ctx requests from the agent's real SkillContext, so the skill's only capability is that RPC.
import { createInterface } from "node:readline";
import type { z } from "zod";
import type { NodeProgramRunner } from "../sandbox/node-program.js";
import type { SkillAgentOptions, SkillCompleteRequest, SkillContext, SkillResult } from "./skill-api.js";
import { SkillLoadError } from "./skill-errors.js";
import {
  type callSchema,
  type FromProgram,
  fromProgramSchema,
  SKILL_PROCESS_SOURCE,
  type ToProgram,
} from "./skill-process-script.js";

/** Longest message line the program may send (a tool's arguments can hold a whole file). */
const MAX_LINE_CHARS = 32 * 1024 * 1024;
/** ctx requests one run may have in flight. */
const MAX_IN_FLIGHT = 64;
/** How long an interrupted skill gets to finish before its program is killed. */
const ABORT_GRACE_MS = 5_000;
/** Characters of the program's stderr kept to explain a crash. */
const STDERR_TAIL_CHARS = 4_000;

export interface SkillProgramRun {
  /** The skill's name, for messages. */
  name: string;
  /** Its compiled ESM code (skill-module.ts). */
  code: string;
  args: Record<string, unknown>;
  /** The agent-side ctx whose capabilities the program may use. */
  ctx: SkillContext;
  signal: AbortSignal;
}

/**
 * Runs the skill and returns what its run() returned (a SkillResult or a string). Throws the skill's own error
 * message when run() threw, and a SkillLoadError when the program could not start or ended without an answer.
 */
export async function runSkillProgram(
  runner: NodeProgramRunner,
  run: SkillProgramRun,
): Promise<SkillResult | string> {
  const needsTypescript = run.code.includes("ts-coding-agent-module:typescript");
  const program = await runner.start({
    source: SKILL_PROCESS_SOURCE,
    modules: needsTypescript ? ["typescript"] : [],
    label: `skill ${run.name}`,
  });
  let stderr = "";
  program.stderr.on("data", (chunk: Buffer) => {
    stderr = (stderr + chunk.toString("utf8")).slice(-STDERR_TAIL_CHARS);
  });
  const send = (message: ToProgram) => {
    if (!program.stdin.writableEnded) program.stdin.write(`${JSON.stringify(message)}\n`);
  };
  let inFlight = 0;
  let killTimer: NodeJS.Timeout | undefined;
  const onAbort = () => {
    send({ kind: "abort" });
    killTimer = setTimeout(() => void program.kill(), ABORT_GRACE_MS);
  };
  run.signal.addEventListener("abort", onAbort, { once: true });
  try {
    const answer = new Promise<Extract<FromProgram, { kind: "done" }> | undefined>((resolve) => {
      const lines = createInterface({ input: program.stdout, crlfDelay: Number.POSITIVE_INFINITY });
      lines.on("line", (line) => {
        if (line.length > MAX_LINE_CHARS) return;
        let message: FromProgram;
        try {
          message = fromProgramSchema.parse(JSON.parse(line));
        } catch {
          return; // not a message: the skill printed to stdout itself
        }
        switch (message.kind) {
          case "done":
            resolve(message);
            return;
          case "log":
            run.ctx.log(message.message);
            return;
          case "call": {
            const { id, call } = message;
            if (inFlight >= MAX_IN_FLIGHT) {
              send({
                kind: "result",
                id,
                ok: false,
                message: `more than ${MAX_IN_FLIGHT} ctx calls at once`,
              });
              return;
            }
            inFlight++;
            serve(run.ctx, call)
              .then(
                (value) => send({ kind: "result", id, ok: true, value: value ?? null }),
                (error: unknown) =>
                  send({
                    kind: "result",
                    id,
                    ok: false,
                    message: error instanceof Error ? error.message : String(error),
                  }),
              )
              .finally(() => inFlight--);
            return;
          }
        }
      });
      lines.once("close", () => resolve(undefined));
    });
    send({ kind: "run", code: run.code, args: run.args, skill: run.ctx.skill, dryRun: run.ctx.dryRun });
    const done = await answer;
    if (done === undefined) {
      const how = await program.exited;
      const detail = stderr.trim() ? `: ${stderr.trim().split("\n").slice(-5).join(" | ")}` : "";
      throw new SkillLoadError(`skill ${run.name} ended without an answer (${how})${detail}`);
    }
    if (!done.ok) throw new Error(done.message);
    return done.value as SkillResult | string;
  } finally {
    run.signal.removeEventListener("abort", onAbort);
    clearTimeout(killTimer);
    await program.kill();
  }
}

/** zod gives optional fields as present-but-undefined; the ctx types want them absent. */
function withoutUndefined<T>(value: T): T {
  if (typeof value !== "object" || value === null) return value;
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

/** One ctx request, answered by the agent's own ctx (its restrictions and dry-run view apply). */
function serve(ctx: SkillContext, call: z.infer<typeof callSchema>): Promise<unknown> {
  switch (call.op) {
    case "tool":
      return ctx.tools.call(call.name, call.args);
    case "complete":
      return ctx.llm.complete(withoutUndefined(call.request) as SkillCompleteRequest | string);
    case "runAgent":
      return ctx.llm.runAgent(call.prompt, withoutUndefined(call.options) as SkillAgentOptions);
    case "diff":
      return Promise.resolve(ctx.diff(call.path, call.before, call.after));
    case "detectTestCommand":
      return ctx.detectTestCommand();
    case "runTests":
      return ctx.runTests(call.command);
    case "compareTestRuns":
      return ctx.compareTestRuns(withoutUndefined(call.before), withoutUndefined(call.after));
  }
}
