// Import rules for the agent's layers (docs/architecture.md, ADR 014), checked by `npm run check`.
// Layers call downwards only, bottom to top:
//   llm/ · keys/ · log/logger.ts         leaves: they import nothing else of ours
//   config.ts · loop/ · instructions/ · checkpoints/ · pinned-directory.ts
//   sandbox/                             launches the toolhost; knows its package's public contract only
//   hub/ · git-guard/                    ToolSources over MCP and around other ToolSources
//   skills/ · playbooks/ · trust-boundary.ts · agent-session.ts
//   cli/                                 the only printer (test/architecture/only-cli-prints.test.ts)
//   main.ts                              wiring only
// The MCP servers in mcp-servers/ are separate packages: the agent reaches one only through its index.
/** @type {import('dependency-cruiser').IConfiguration} */
const layer = (name) => `^agent/src/${name}/`;
const forbidden = (name, from, to, comment) => ({
  name,
  comment,
  severity: "error",
  from: { path: from },
  to: { path: to },
});

module.exports = {
  forbidden: [
    forbidden(
      "llm-is-a-leaf",
      layer("llm"),
      "^agent/src/(?!llm/)",
      "llm/ talks to models; it imports nothing else of ours",
    ),
    forbidden(
      "keys-is-a-leaf",
      layer("keys"),
      "^agent/src/(?!keys/)",
      "keys/ holds secrets; it imports nothing else of ours",
    ),
    forbidden(
      "logger-is-a-leaf",
      "^agent/src/log/logger\\.ts$",
      "^agent/src/",
      "the Logger interface every layer writes to imports nothing, so any layer may depend on it",
    ),
    forbidden(
      "only-main-builds-the-file-logger",
      "^agent/src/(?!main\\.ts$)",
      "^agent/src/log/file-logger\\.ts$",
      "main.ts builds the pino logger and passes it down as a Logger; no layer opens the log file itself",
    ),
    forbidden(
      "loop-knows-only-llm",
      layer("loop"),
      "^agent/src/(?!(loop|llm)/)",
      "the loop sees a ToolSource and a ChatModel, never Docker, MCP, skills or the terminal",
    ),
    forbidden(
      "sandbox-below-hub",
      layer("sandbox"),
      "^agent/src/(?!(sandbox|keys)/|config\\.ts$|log/logger\\.ts$)",
      "the sandbox launches processes: it knows config, keys and the Logger, not the hub, the loop or the CLI",
    ),
    forbidden(
      "hub-below-skills-and-cli",
      layer("hub"),
      "^agent/src/(?!(hub|loop|sandbox|keys)/|log/logger\\.ts$|pinned-directory\\.ts$)",
      "the hub is the loop's ToolSource over MCP servers and the sandbox; nothing above it",
    ),
    forbidden(
      "git-guard-wraps-a-tool-source",
      layer("git-guard"),
      "^agent/src/(?!(git-guard|loop|keys)/|log/logger\\.ts$|pinned-directory\\.ts$)",
      "the git guard wraps any ToolSource; it knows neither the hub nor the sandbox behind it",
    ),
    forbidden(
      "skills-below-cli",
      "^agent/src/(skills|playbooks)/",
      "^agent/src/(cli|hub|git-guard|checkpoints|instructions)/|^agent/src/(main|agent-session|trust-boundary)\\.ts$",
      "skills use tools through a ToolSource and run programs through the sandbox, not the CLI or the hub",
    ),
    forbidden(
      "session-below-cli",
      "^agent/src/(agent-session\\.ts$|checkpoints/|instructions/)",
      "^agent/src/(cli|hub|sandbox|skills|playbooks|git-guard)/|^agent/src/(main|trust-boundary)\\.ts$",
      "the session drives the loop over any ToolSource; front ends and wiring sit above it",
    ),
    forbidden(
      "only-main-imports-cli",
      "^agent/src/(?!cli/|main\\.ts$)",
      "^agent/src/cli/",
      "cli/ is the front end: nothing below it may reach the terminal",
    ),
    forbidden(
      "store-below-skills-and-hub",
      layer("store"),
      "^agent/src/(cli|skills|playbooks|hub|sandbox|toolhost|loop)/|^agent/src/(main|agent-session)\\.ts$",
      "the store keeps the library's items; skills, the hub and the CLI use it, never the other way round",
    ),
    forbidden("nothing-imports-main", "^agent/src/", "^agent/src/main\\.ts$", "main.ts only wires"),
    forbidden(
      "mcp-servers-through-their-index",
      "^agent/",
      "^mcp-servers/(?!kit/src/(named-error|backoff)\\.ts$)[^/]+/src/(?!index\\.ts$)",
      "an MCP server is its own package: the agent imports its public contract (src/index.ts), never its internals; " +
        "the kit's two dependency-free subpath exports (named-error, backoff) are public contracts too",
    ),
    forbidden(
      "mcp-servers-stand-alone",
      "^mcp-servers/",
      "^agent/",
      "MCP servers are separate packages (the toolhost runs in the sandbox); they never import the agent",
    ),
    {
      name: "no-circular",
      severity: "error",
      comment: "a cycle makes the layers meaningless",
      from: { path: "^(agent|mcp-servers)/" },
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    exclude: { path: "(^|/)(node_modules|dist)/" },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    enhancedResolveOptions: {
      exportsFields: ["exports"],
      conditionNames: ["ts-coding-agent-source", "import", "default"],
    },
  },
};
