// The program run_code's child runs (see runner-script.ts): `tools` and `skills` are proxies whose every
// property is a call back to the toolhost, and `artifacts` saves and loads named files; all over IPC. Calls
// wait their turn past the toolhost's cap on operations at once, so Promise.all over many calls just works.
import { MAX_CONCURRENT_OPERATIONS } from "../dynamic/run-tool.js";
import { runnerSource } from "../dynamic/runner-script.js";

/** The runner: the module's default export (the wrapped code) is called with (tools, skills, artifacts). */
export const CODE_RUNNER_SOURCE = runnerSource({
  invoke: "module.default(tools, skills, artifacts)",
  nothing: "(the code returned nothing)",
  api: `let inFlight = 0;
const waiting = [];
const queued = (op, params) =>
  new Promise((resolve, reject) => {
    const start = () => {
      inFlight++;
      request(op, params)
        .then(resolve, reject)
        .finally(() => {
          inFlight--;
          waiting.shift()?.();
        });
    };
    if (inFlight < ${MAX_CONCURRENT_OPERATIONS}) start();
    else waiting.push(start);
  });
const callsOf = (kind) =>
  new Proxy(Object.create(null), {
    // "then" stays undefined so that awaiting the object itself does not call a tool named then.
    get: (_, name) =>
      typeof name !== "string" || name === "then"
        ? undefined
        : (args = {}) => queued(kind, { name, args }),
  });
const tools = callsOf("tool");
const skills = callsOf("skill");
const artifacts = Object.freeze({
  save: (name, data) => queued("artifactSave", { name, data }),
  load: (name) => queued("artifactLoad", { name }),
  list: () => queued("artifactList", {}),
});`,
});
