// The program a skill runs in (NodeProgram): it imports the skill's compiled code from a data: URL, hands run()
// a ctx whose every capability is a request to the agent over stdout, and sends the result. The messages both
// ways, validated on the agent's side, since the skill's code can write anything to stdout.
import { z } from "zod";

/** The import specifier compiled skills use for `typescript`; the program swaps in the real module URL. */
export const TYPESCRIPT_SPECIFIER = "ts-coding-agent-module:typescript";

/** Agent → program. */
export type ToProgram =
  | { kind: "run"; code: string; args: Record<string, unknown>; skill: string; dryRun: boolean }
  | { kind: "result"; id: number; ok: true; value: unknown }
  | { kind: "result"; id: number; ok: false; message: string }
  | { kind: "abort" };

/** A SkillTestRun as a skill passes it back to ctx.compareTestRuns. */
function testRunSchema() {
  return z.object({
    command: z.string(),
    runner: z.enum(["pytest", "unittest", "node-test", "vitest", "unknown"]),
    exitCode: z.number().int().optional(),
    tests: z.array(z.object({ id: z.string(), outcome: z.enum(["passed", "failed", "skipped"]) })),
    passed: z.number().int(),
    failed: z.number().int(),
    skipped: z.number().int(),
    namesPasses: z.boolean(),
    problem: z.string().optional(),
    tail: z.string(),
  });
}

/** What a skill's ctx asks the agent for. */
export const callSchema = z.discriminatedUnion("op", [
  z.object({ op: z.literal("tool"), name: z.string(), args: z.record(z.string(), z.unknown()) }),
  z.object({
    op: z.literal("complete"),
    request: z.union([
      z.string(),
      z.object({ system: z.string().optional(), prompt: z.string(), tools: z.array(z.string()).optional() }),
    ]),
  }),
  z.object({
    op: z.literal("runAgent"),
    prompt: z.string(),
    options: z.object({
      tools: z.array(z.string()).optional(),
      maxSteps: z.number().int().positive().optional(),
      system: z.string().optional(),
    }),
  }),
  z.object({ op: z.literal("diff"), path: z.string(), before: z.string(), after: z.string() }),
  z.object({ op: z.literal("detectTestCommand") }),
  z.object({ op: z.literal("runTests"), command: z.string().optional() }),
  z.object({ op: z.literal("compareTestRuns"), before: testRunSchema(), after: testRunSchema() }),
]);

/** Program → agent. */
export const fromProgramSchema = z.union([
  z.object({ kind: z.literal("call"), id: z.number().int(), call: callSchema }),
  z.object({ kind: z.literal("log"), message: z.string() }),
  z.object({ kind: z.literal("done"), ok: z.literal(true), value: z.unknown() }),
  z.object({ kind: z.literal("done"), ok: z.literal(false), message: z.string() }),
]);

export type FromProgram = z.infer<typeof fromProgramSchema>;

// Plain JavaScript, run with `node --eval` under the permission model. Console output goes to stderr so stdout
// carries only messages. Signals are outside the permission model: process.kill is taken away first.
export const SKILL_PROCESS_SOURCE = `
import { syncBuiltinESMExports } from "node:module";
import os from "node:os";
import { createInterface } from "node:readline";
const moduleUrls = JSON.parse(process.argv[1] ?? "{}");
const write = process.stdout.write.bind(process.stdout);
const send = (message) => write(JSON.stringify(message) + "\\n");
const denied = (what) => () => {
  const error = new Error(what + " is not available to skills");
  error.code = "ERR_ACCESS_DENIED";
  throw error;
};
for (const [target, key, what] of [[process, "kill", "process.kill"], [process, "_kill", "process.kill"], [os, "setPriority", "os.setPriority"]]) {
  Object.defineProperty(target, key, { value: denied(what), writable: false, configurable: false });
}
syncBuiltinESMExports();
for (const level of ["log", "info", "warn", "error", "debug", "trace"]) {
  console[level] = (...parts) => process.stderr.write(parts.map(String).join(" ") + "\\n");
}
const pending = new Map();
let nextId = 1;
const request = (call) =>
  new Promise((resolve, reject) => {
    const id = nextId++;
    pending.set(id, { resolve, reject });
    send({ kind: "call", id, call });
  });
const controller = new AbortController();
const shellQuote = (text) => "'" + String(text).replace(/'/g, "'\\\\''") + "'";
let started = false;
async function run({ code, args, skill, dryRun }) {
  try {
    const source = code.replaceAll(${JSON.stringify(JSON.stringify(TYPESCRIPT_SPECIFIER))}, JSON.stringify(moduleUrls.typescript ?? ""));
    const module = await import("data:text/javascript;base64," + Buffer.from(source).toString("base64"));
    if (typeof module.run !== "function") throw new Error("skill.ts must export a function run(args, ctx)");
    const call = (name, toolArgs = {}) => request({ op: "tool", name, args: toolArgs });
    const tools = new Proxy({}, {
      get(_target, property) {
        if (typeof property !== "string" || property === "then") return undefined;
        if (property === "call") return call;
        return (toolArgs = {}) => call(property, toolArgs);
      },
    });
    const ctx = Object.freeze({
      skill,
      tools,
      llm: Object.freeze({
        complete: (req) => request({ op: "complete", request: req }),
        runAgent: (prompt, options = {}) => request({ op: "runAgent", prompt: String(prompt), options }),
      }),
      log: (message) => send({ kind: "log", message: String(message) }),
      dryRun,
      signal: controller.signal,
      diff: (path, before, after) => request({ op: "diff", path: String(path), before: String(before), after: String(after) }),
      detectTestCommand: () => request({ op: "detectTestCommand" }),
      runTests: (command) => request(command === undefined ? { op: "runTests" } : { op: "runTests", command: String(command) }),
      compareTestRuns: (before, after) => request({ op: "compareTestRuns", before, after }),
      shellQuote,
    });
    const value = await module.run(args, ctx);
    send({ kind: "done", ok: true, value: value === undefined ? null : value });
  } catch (error) {
    send({ kind: "done", ok: false, message: error instanceof Error ? error.message : String(error) });
  }
  process.stdout.end(() => process.exit(0));
}
createInterface({ input: process.stdin }).on("line", (line) => {
  let message;
  try { message = JSON.parse(line); } catch { return; }
  if (message.kind === "run" && !started) {
    started = true;
    void run(message);
  } else if (message.kind === "result") {
    const waiter = pending.get(message.id);
    pending.delete(message.id);
    if (waiter === undefined) return;
    if (message.ok) waiter.resolve(message.value);
    else waiter.reject(new Error(message.message));
  } else if (message.kind === "abort") {
    controller.abort(new Error("interrupted"));
  }
});
`;
