// The program run_code's child runs (see runner-script.ts): `tools` and `skills` are proxies whose every
// property is a call back to the toolhost, and `artifacts` saves and loads named files; all over IPC.
import { runnerSource } from "../dynamic/runner-script.js";

/** The runner: the module's default export (the wrapped code) is called with (tools, skills, artifacts). */
export const CODE_RUNNER_SOURCE = runnerSource({
  invoke: "module.default(tools, skills, artifacts)",
  nothing: "(the code returned nothing)",
  api: `const callsOf = (kind) =>
  new Proxy(Object.create(null), {
    // "then" stays undefined so that awaiting the object itself does not call a tool named then.
    get: (_, name) =>
      typeof name !== "string" || name === "then"
        ? undefined
        : (args = {}) => request(kind, { name, args }),
  });
const tools = callsOf("tool");
const skills = callsOf("skill");
const artifacts = Object.freeze({
  save: (name, data) => request("artifactSave", { name, data }),
  load: (name) => request("artifactLoad", { name }),
  list: () => request("artifactList", {}),
});`,
});
