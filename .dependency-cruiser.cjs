// Import rules for the agent's layers (DESIGN §2, docs/architecture.md), checked in CI by `npm run check`.
// Layers call downwards only: keys and llm know nothing above them, the loop knows only llm and its own
// types, the sandbox and hub never reach into the toolhost (a separate MCP server) or upwards, and only cli/
// and main.ts see everything.
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
      "loop-knows-only-llm",
      layer("loop"),
      "^agent/src/(?!(loop|llm)/)",
      "the loop sees a ToolSource and a ChatModel, never Docker, MCP, skills or the terminal",
    ),
    forbidden(
      "sandbox-below-hub",
      layer("sandbox"),
      "^agent/src/(hub|cli|skills|playbooks|toolhost)/|^agent/src/(main|agent-session)\\.ts$",
      "the sandbox launches processes; it does not know the hub, the CLI or the toolhost's internals",
    ),
    forbidden(
      "hub-below-skills-and-cli",
      layer("hub"),
      "^agent/src/(cli|skills|playbooks|toolhost)/|^agent/src/(main|agent-session)\\.ts$",
      "the hub connects MCP servers; the toolhost is one of them, reached through its public contract",
    ),
    forbidden(
      "skills-below-cli",
      "^agent/src/(skills|playbooks)/",
      "^agent/src/(cli|toolhost)/|^agent/src/main\\.ts$",
      "skills use tools through the ToolSource, not the CLI or the toolhost's internals",
    ),
    forbidden(
      "store-below-skills-and-hub",
      layer("store"),
      "^agent/src/(cli|skills|playbooks|hub|sandbox|toolhost|loop)/|^agent/src/(main|agent-session)\\.ts$",
      "the store keeps the library's items; skills, the hub and the CLI use it, never the other way round",
    ),
    forbidden("nothing-imports-main", "^agent/src/", "^agent/src/main\\.ts$", "main.ts only wires"),
    forbidden(
      "toolhost-is-its-own-server",
      "^(agent/src/toolhost|mcp-servers/toolhost)/",
      "^agent/src/(?!toolhost/)",
      "the toolhost runs in the sandbox as its own MCP server: it imports nothing of the agent",
    ),
    forbidden(
      "mcp-servers-stand-alone",
      "^mcp-servers/",
      "^agent/",
      "MCP servers are separate packages; they never import the agent",
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
