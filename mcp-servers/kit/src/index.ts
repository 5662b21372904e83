// The MCP server kit: what every HTTP MCP server in mcp-servers/ imports to serve its tools.
// serveMcp for tests and embedding; runFromEnv for a container's main.ts.

export { createLogger, type Logger } from "./create-logger.js";
export { KitConfigError } from "./kit-config-error.js";
export { namedError } from "./named-error.js";
export { checkBearer, checkHost, type GuardRefusal } from "./request-guards.js";
export { type RunFromEnvOptions, readServerEnv, runFromEnv, type ServerEnv } from "./run-from-env.js";
export { type RunningMcpServer, type ServeMcpOptions, serveMcp } from "./serve-mcp.js";
