// Serves an MCP server over Streamable HTTP on fastify: POST/GET/DELETE /mcp with one server instance per
// session, GET /healthz for Compose, bearer-token and Host/Origin guards, JSON errors, and a clean close().

import { randomUUID } from "node:crypto";
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { StreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/streamableHttp.js";
import { isInitializeRequest } from "@modelcontextprotocol/sdk/types.js";
import type { FastifyReply, FastifyRequest } from "fastify";
import Fastify, { LogController } from "fastify";
import { createLogger, type Logger } from "./create-logger.js";
import { checkBearer, checkHost } from "./request-guards.js";
import { SessionRegistry } from "./session-registry.js";

export interface ServeMcpOptions {
  /** Server name reported in the MCP handshake (serverInfo.name). */
  name: string;
  /** Server version reported in the MCP handshake. */
  version: string;
  /** TCP port; 0 picks a free one (the returned url names it). */
  port: number;
  /** Interface to bind: 0.0.0.0 in a container, 127.0.0.1 in tests. */
  host: string;
  /** Registers the tools on a fresh server; called once per session, so shared state must live outside it. */
  registerTools: (server: McpServer) => void;
  /** When set, /mcp requests must carry `Authorization: Bearer <authToken>` or get 401. */
  authToken?: string;
  /** Where the token comes from, named in the 401 message. Default MCP_AUTH_TOKEN. */
  authTokenVariable?: string;
  /** Hostnames accepted in Host and Origin (no port); default localhost, 127.0.0.1, [::1]; "*" disables. */
  allowedHosts?: readonly string[];
  /** Logger for session and error lines; default pino at LOG_LEVEL (info). */
  logger?: Logger;
  /** Most concurrent sessions; opening one more closes the least recently used. Default 64. */
  maxSessions?: number;
  /** Sessions without a request for this long are closed. Default 30 minutes. */
  sessionIdleMs?: number;
}

/** A listening server. */
export interface RunningMcpServer {
  /** The MCP endpoint, e.g. `http://127.0.0.1:50051/mcp` (the real port when 0 was asked for). */
  url: string;
  /** Closes every session, then the listener. Safe to call twice. */
  close(): Promise<void>;
}

const DEFAULT_ALLOWED_HOSTS = ["localhost", "127.0.0.1", "[::1]"];

/** A JSON-RPC error body, the shape MCP clients expect from /mcp even for HTTP-level failures. */
function rpcError(
  code: number,
  message: string,
): { jsonrpc: "2.0"; error: { code: number; message: string }; id: null } {
  return { jsonrpc: "2.0", error: { code, message }, id: null };
}

export async function serveMcp(options: ServeMcpOptions): Promise<RunningMcpServer> {
  const logger = options.logger ?? createLogger(options.name, process.env.LOG_LEVEL ?? "info");
  const allowedHosts = options.allowedHosts ?? DEFAULT_ALLOWED_HOSTS;
  const sessions = new SessionRegistry({
    maxSessions: options.maxSessions ?? 64,
    idleMs: options.sessionIdleMs ?? 30 * 60_000,
    logger,
  });
  const app = Fastify({
    loggerInstance: logger,
    logController: new LogController({ disableRequestLogging: true }),
    // Open SSE streams must not hold close() hostage.
    forceCloseConnections: true,
    bodyLimit: 4 * 1024 * 1024,
  });

  app.get("/healthz", async () => ({ status: "ok", name: options.name, version: options.version }));

  // Guards run on every route but /healthz (reachable for container healthchecks without the token). They
  // judge the route the router matched, never the raw URL: `/%6dcp` is /mcp to the router, and a route
  // nobody matched is guarded too.
  app.addHook("onRequest", async (request, reply) => {
    if (request.routeOptions.url === "/healthz") return;
    const refusal =
      checkHost(allowedHosts, request.headers.host, request.headers.origin) ??
      checkBearer(options.authToken, request.headers.authorization, options.authTokenVariable);
    if (refusal === undefined) return;
    logger.warn({ status: refusal.status, host: request.headers.host }, refusal.message);
    if (refusal.status === 401) reply.header("www-authenticate", 'Bearer realm="mcp"');
    return reply.code(refusal.status).send(rpcError(-32000, refusal.message));
  });

  app.setErrorHandler((error: { statusCode?: number; message: string }, _request, reply) => {
    const status = error.statusCode !== undefined && error.statusCode >= 400 ? error.statusCode : 500;
    if (status >= 500) logger.error({ err: error }, "request failed");
    return reply.code(status).send(rpcError(status === 400 ? -32700 : -32603, error.message));
  });

  app.setNotFoundHandler((request, reply) =>
    reply
      .code(404)
      .send(rpcError(-32601, `No route ${request.method} ${request.url}; the MCP endpoint is /mcp`)),
  );

  /** The session named by Mcp-Session-Id, or a reply already sent (400 without one, 404 for an unknown one). */
  const sessionFor = (request: FastifyRequest, reply: FastifyReply) => {
    const id = request.headers["mcp-session-id"];
    if (typeof id !== "string" || id === "") {
      void reply.code(400).send(rpcError(-32000, "Missing Mcp-Session-Id header: send initialize first"));
      return undefined;
    }
    const session = sessions.touch(id);
    // 404 is what tells a client its session is gone (server restart, idle reap) so it re-initializes.
    if (session === undefined)
      void reply.code(404).send(rpcError(-32001, "Session not found: initialize again"));
    return session;
  };

  app.post("/mcp", async (request, reply) => {
    if (request.headers["mcp-session-id"] !== undefined) {
      const session = sessionFor(request, reply);
      if (session === undefined) return reply;
      reply.hijack();
      await session.transport.handleRequest(request.raw, reply.raw, request.body);
      return reply;
    }
    if (!isInitializeRequest(request.body)) {
      return reply
        .code(400)
        .send(rpcError(-32000, "No Mcp-Session-Id header and not an initialize request: initialize first"));
    }
    await sessions.makeRoom();
    const server = new McpServer({ name: options.name, version: options.version });
    options.registerTools(server);
    const transport: StreamableHTTPServerTransport = new StreamableHTTPServerTransport({
      sessionIdGenerator: () => randomUUID(),
      onsessioninitialized: (id): void => sessions.add({ id, server, transport, lastUsed: Date.now() }),
    });
    transport.onclose = () => {
      if (transport.sessionId !== undefined) sessions.forget(transport.sessionId);
    };
    await server.connect(transport);
    reply.hijack();
    await transport.handleRequest(request.raw, reply.raw, request.body);
    // An initialize the transport rejected never got a session: do not leak its server.
    if (transport.sessionId === undefined) await server.close();
    return reply;
  });

  const streamOrDelete = async (request: FastifyRequest, reply: FastifyReply) => {
    const session = sessionFor(request, reply);
    if (session === undefined) return reply;
    reply.hijack();
    await session.transport.handleRequest(request.raw, reply.raw);
    return reply;
  };
  app.get("/mcp", streamOrDelete);
  app.delete("/mcp", streamOrDelete);

  await app.listen({ port: options.port, host: options.host });
  const address = app.server.address();
  const port = typeof address === "object" && address !== null ? address.port : options.port;
  const urlHost = options.host === "0.0.0.0" || options.host === "::" ? "127.0.0.1" : options.host;
  logger.info(
    { port, host: options.host, auth: options.authToken !== undefined },
    `${options.name} listening`,
  );

  let closing: Promise<void> | undefined;
  return {
    url: `http://${urlHost.includes(":") ? `[${urlHost}]` : urlHost}:${port}/mcp`,
    close() {
      closing ??= (async () => {
        await sessions.closeAll();
        await app.close();
      })();
      return closing;
    },
  };
}
