// datetime-mcp's entry point: serves the datetime tools over Streamable HTTP (port 50051 by default).
// Settings come from the environment (see README.md); SIGTERM shuts it down cleanly.

import { runFromEnv } from "@ts-coding-agent/mcp-kit";
import { datetimeTools } from "./datetime-tools.js";

await runFromEnv({
  name: "datetime-mcp",
  version: "0.1.0",
  serviceName: "datetime-mcp",
  defaultPort: 50051,
  registerTools: datetimeTools(),
});
