// `agent mcp`, the front end that serves the platform to MCP clients over this process's stdio (one client, one
// session) or Streamable HTTP (the kit's fastify server, a sandbox per session, a bearer token), until the
// client or a signal ends it. In cli/ because it owns the process's streams (stdout is the protocol's).
import { randomBytes } from "node:crypto";
import { Server } from "@modelcontextprotocol/sdk/server/index.js";
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import type { Logger } from "pino";
import type { McpServeTransport } from "../config.js";
import { isLoopbackHost } from "../config.js";
import type { Scrubber } from "../keys/stream-scrubber.js";
import type { PlatformSession } from "../mcp-serve/platform-session.js";
import { servePlatform } from "../mcp-serve/serve-platform.js";

export const SERVER_NAME = "ts-coding-agent";

export interface RunMcpServerOptions {
  transport: McpServeTransport;
  version: string;
  /** Opens one client's session: its own sandbox and server connections. */
  open: () => Promise<PlatformSession>;
  workspaceRoot: string;
  /** The agent's secret set (every known key, in every form). */
  secrets: Scrubber;
  /** Makes the scrubber (and the log's redaction) know the bearer token. */
  addSecret: (value: string) => void;
  /** The agent's file logger (pino: the kit's fastify server logs through it too). */
  logger: Logger;
  /** Where the one-time start lines go (never stdout: on stdio that is the protocol's). Default stderr. */
  stderr?: NodeJS.WritableStream;
}

/** Serves until stdin ends (stdio) or SIGINT/SIGTERM; every session's sandbox is stopped before it returns 0. */
export async function runMcpServer(options: RunMcpServerOptions): Promise<number> {
  switch (options.transport.kind) {
    case "stdio":
      return serveStdio(options);
    case "http":
      return serveHttp(options, options.transport);
  }
}

function platformOn(server: Server, options: RunMcpServerOptions): () => Promise<void> {
  return servePlatform(server, {
    open: options.open,
    workspaceRoot: options.workspaceRoot,
    secrets: options.secrets,
    logger: options.logger,
  });
}

async function serveStdio(options: RunMcpServerOptions): Promise<number> {
  // stdout carries protocol frames only: anything a library prints through console goes to stderr.
  for (const method of ["log", "info", "debug", "warn"] as const) console[method] = console.error;
  const server = new Server({ name: SERVER_NAME, version: options.version }, { capabilities: {} });
  const closeSession = platformOn(server, options);
  const ended = new Promise<string>((resolve) => {
    process.stdin.once("end", () => resolve("stdin ended"));
    process.stdin.once("close", () => resolve("stdin closed"));
    process.once("SIGINT", () => resolve("SIGINT"));
    process.once("SIGTERM", () => resolve("SIGTERM"));
  });
  const transportClosed = new Promise<string>((resolve) => {
    server.onclose = chain(server.onclose, () => resolve("transport closed"));
  });
  await server.connect(new StdioServerTransport());
  options.logger.info({ transport: "stdio" }, "mcp server started");
  const reason = await Promise.race([ended, transportClosed]);
  options.logger.info({ reason }, "mcp server stopping");
  await server.close().catch(() => undefined);
  await closeSession();
  return 0;
}

async function serveHttp(
  options: RunMcpServerOptions,
  transport: Extract<McpServeTransport, { kind: "http" }>,
): Promise<number> {
  const token = transport.token ?? randomBytes(24).toString("base64url");
  const { serveMcp } = await import("@ts-coding-agent/mcp-kit");
  const sessions = new Set<() => Promise<void>>();
  const running = await serveMcp({
    name: SERVER_NAME,
    version: options.version,
    port: transport.port,
    host: transport.host,
    authToken: token,
    authTokenVariable: "AGENT_MCP_TOKEN",
    allowedHosts: allowedHosts(transport.host),
    logger: options.logger,
    registerTools: (server) => {
      const close = platformOn(server.server, options);
      sessions.add(close);
      server.server.onclose = chain(server.server.onclose, () => sessions.delete(close));
    },
  });
  const stderr = options.stderr ?? process.stderr;
  const say = (line: string) => stderr.write(`agent mcp: ${line}\n`);
  say(`serving ${options.workspaceRoot} at ${running.url}`);
  if (transport.token === undefined) {
    say(`bearer token (generated for this run; set AGENT_MCP_TOKEN to choose one): ${token}`);
  }
  // Printed once, to the user; from now on it is a secret like the keys.
  options.addSecret(token);
  const signal = await new Promise<string>((resolve) => {
    process.once("SIGINT", () => resolve("SIGINT"));
    process.once("SIGTERM", () => resolve("SIGTERM"));
  });
  options.logger.info({ signal }, "mcp server stopping");
  await running.close(); // closes every session's server, which stops its sandbox
  await Promise.all([...sessions].map((close) => close()));
  return 0;
}

/** Host names clients may use: the loopback names, plus the bound host; any for a wildcard bind (token required). */
function allowedHosts(host: string): string[] {
  if (host === "0.0.0.0" || host === "::") return ["*"];
  const loopback = ["localhost", "127.0.0.1", "[::1]"];
  if (isLoopbackHost(host)) return loopback;
  return [...loopback, host.includes(":") && !host.startsWith("[") ? `[${host}]` : host];
}

function chain(first: (() => void) | undefined, then: () => void): () => void {
  return () => {
    first?.();
    then();
  };
}
