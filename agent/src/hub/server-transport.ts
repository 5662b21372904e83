// Opens a transport to one mcp.json server: Streamable HTTP with its headers, or a child process whose
// environment holds only PATH, HOME, LANG and the entry's own `env`, never the agent's secrets.
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import type { Transport } from "@modelcontextprotocol/sdk/shared/transport.js";
import type { Logger } from "../log/logger.js";
import { ChildProcessTransport, minimalEnvironment } from "../sandbox/child-process-transport.js";
import type { McpServerConfig } from "./mcp-config.js";

/** A fresh, not yet started transport to the server. */
export interface OpenedTransport {
  /** The MCP transport; `Client.connect` starts it. */
  transport: Transport;
  /** Where the server runs, for /tools ("local process", "http://datetime-mcp:50051/mcp"). */
  description: string;
}

/** A new, unstarted transport to `server`. */
export function openServerTransport(server: McpServerConfig, logger: Logger): OpenedTransport {
  switch (server.transport) {
    case "http":
      return {
        transport: new StreamableHTTPClientTransport(new URL(server.url), {
          requestInit: { headers: server.headers },
          // A server that restarted is handled by reconnecting, so the SSE stream need not retry for long.
          reconnectionOptions: {
            maxRetries: 2,
            initialReconnectionDelay: 500,
            maxReconnectionDelay: 2_000,
            reconnectionDelayGrowFactor: 2,
          },
        }),
        description: server.url,
      };
    case "stdio": {
      const options = {
        command: server.command,
        args: server.args,
        env: { ...minimalEnvironment(), ...server.env },
        label: `MCP server "${server.name}"`,
        logger,
      };
      const transport = new ChildProcessTransport(
        server.cwd === undefined ? options : { ...options, cwd: server.cwd },
      );
      return { transport, description: [server.command, ...server.args].join(" ") };
    }
  }
}
