// The program a dynamic tool call runs in its sandboxed node process (passed with --eval): it imports the
// compiled tool, gives it a `ctx` whose operations go over IPC to the toolhost, and sends back the result.
import { z } from "zod";

/** Result text the runner sends at most (characters); the toolhost caps it again with a note. */
export const RUNNER_TEXT_LIMIT = 50 * 1024;

/** Toolhost → tool process. */
export type ToParent =
  | { kind: "ctx"; id: number; op: string; params: Record<string, unknown> }
  | { kind: "done"; ok: true; text: string }
  | { kind: "done"; ok: false; message: string; stack: string };

/** Tool process → toolhost: validated, since the tool's code can send anything over the channel. */
export const childMessageSchema = z.union([
  z.object({
    kind: z.literal("ctx"),
    id: z.number().int(),
    op: z.string(),
    params: z.record(z.string(), z.unknown()),
  }),
  z.object({ kind: z.literal("done"), ok: z.literal(true), text: z.string() }),
  z.object({ kind: z.literal("done"), ok: z.literal(false), message: z.string(), stack: z.string() }),
]);

/** Toolhost → tool process. */
export type ToChild =
  | { kind: "run"; args: Record<string, unknown> }
  | { kind: "ctx-result"; id: number; ok: true; value: unknown }
  | { kind: "ctx-result"; id: number; ok: false; message: string };

/** What differs between the programs run this way: the API the code gets and how its module is called. */
export interface RunnerProgram {
  /** JavaScript defining the values the code is given (e.g. `const ctx = ...`), using `request(op, params)`. */
  api: string;
  /** Expression calling the imported module's default export (`module.default(args, ctx)`). */
  invoke: string;
  /** The result text when the code returns undefined. */
  nothing: string;
}

// Plain JavaScript: it runs as is, before and around the code's own module. Signals to other processes are
// outside Node's permission model, so process.kill (and its raw form) and os.setPriority are taken away first;
// the code cannot get them back (process.binding is denied under the permission model).
/** The program (for --eval) that imports the compiled module given as argv[1] and runs it with `program`'s API. */
export function runnerSource(program: RunnerProgram): string {
  return `
import { syncBuiltinESMExports } from "node:module";
import os from "node:os";
import { pathToFileURL } from "node:url";
const denied = (what) => () => {
  const error = new Error(what + " is not available to dynamic tools");
  error.code = "ERR_ACCESS_DENIED";
  throw error;
};
for (const [target, key, what] of [
  [process, "kill", "process.kill"],
  [process, "_kill", "process.kill"],
  [os, "setPriority", "os.setPriority"],
]) {
  Object.defineProperty(target, key, { value: denied(what), writable: false, configurable: false });
}
// Named imports (import { kill } from "node:process") are bindings of their own: update them too.
syncBuiltinESMExports();
const LIMIT = ${RUNNER_TEXT_LIMIT};
const send = (message) => process.send(message);
// The result is all the toolhost waits for: leave at once, whatever timers the tool left running.
const finish = (message) => process.send(message, () => process.exit(0));
const pending = new Map();
let nextId = 1;
const request = (op, params) =>
  new Promise((resolve, reject) => {
    const id = nextId++;
    pending.set(id, { resolve, reject });
    send({ kind: "ctx", id, op, params });
  });
${program.api}
function render(value) {
  if (typeof value === "string") return value;
  if (value === undefined) return ${JSON.stringify(program.nothing)};
  const json = JSON.stringify(value, null, 2);
  return json === undefined ? String(value) : json;
}
async function run(args) {
  try {
    const module = await import(pathToFileURL(process.argv[1]).href);
    if (typeof module.default !== "function") {
      throw new Error("the module's default export is not a function; export default async function (args, ctx) { ... }");
    }
    const text = render(await ${program.invoke});
    finish({ kind: "done", ok: true, text: text.length > LIMIT ? text.slice(0, LIMIT + 1) : text });
  } catch (error) {
    const isError = error instanceof Error;
    const message = isError ? error.message : "a non-Error value was thrown: " + String(error);
    finish({ kind: "done", ok: false, message: String(message).slice(0, 4096), stack: isError ? String(error.stack ?? "") : "" });
  }
}
process.on("message", (message) => {
  if (message.kind === "run") {
    void run(message.args);
  } else if (message.kind === "ctx-result") {
    const waiter = pending.get(message.id);
    pending.delete(message.id);
    if (waiter === undefined) return;
    if (message.ok) waiter.resolve(message.value);
    else waiter.reject(new Error(message.message));
  }
});
`;
}

/** A dynamic tool's runner: `ctx` over IPC, the module's default export called with (args, ctx). */
export const RUNNER_SOURCE = runnerSource({
  invoke: "module.default(args, ctx)",
  nothing: "(the tool returned nothing)",
  api: `const ctx = Object.freeze({
  readFile: (path) => request("readFile", { path }),
  writeFile: (path, content) => request("writeFile", { path, content }),
  listFiles: (path = ".") => request("listFiles", { path }),
  editFile: (path, oldText, newText, options = {}) =>
    request("editFile", { path, oldText, newText, replaceAll: options.replaceAll === true }),
  shell: (command, options = {}) => request("shell", { command, timeoutSeconds: options.timeoutSeconds }),
});`,
});
