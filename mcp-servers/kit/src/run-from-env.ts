// Runs an MCP server as a container's main process: settings from the environment (validated), pino logs,
// and SIGTERM/SIGINT handlers that close sessions and the caller's resources before exiting.

import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { z } from "zod";
import { createLogger } from "./create-logger.js";
import { KitConfigError } from "./kit-config-error.js";
import { type RunningMcpServer, serveMcp } from "./serve-mcp.js";

/** Settings every server reads from its environment. */
export interface ServerEnv {
  /** PORT: TCP port (0 = any free one). */
  port: number;
  /** HOST: interface to bind; 0.0.0.0 by default so the Compose network reaches it. */
  host: string;
  /** MCP_AUTH_TOKEN: required bearer token, when set. */
  authToken: string | undefined;
  /** MCP_ALLOWED_HOSTS (comma-separated): accepted Host/Origin names; default the service name and loopback. */
  allowedHosts: string[];
  /** LOG_LEVEL: pino level, default info. */
  logLevel: string;
  /** MCP_MAX_SESSIONS: most concurrent MCP sessions, default 64. */
  maxSessions: number;
  /** MCP_SESSION_IDLE_SECONDS: idle sessions are closed after this, default 1800. */
  sessionIdleMs: number;
}

const intIn = (min: number, max: number) => z.coerce.number().int().min(min).max(max);

const envSchema = {
  PORT: intIn(0, 65535),
  HOST: z.string().min(1),
  MCP_AUTH_TOKEN: z.string().optional(),
  MCP_ALLOWED_HOSTS: z.string().optional(),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]),
  MCP_MAX_SESSIONS: intIn(1, 10_000),
  MCP_SESSION_IDLE_SECONDS: intIn(1, 7 * 24 * 3600),
};

/** Reads and validates the server settings; throws KitConfigError naming the bad variable. */
export function readServerEnv(
  env: NodeJS.ProcessEnv,
  defaults: { serviceName: string; port: number },
): ServerEnv {
  const read = <K extends keyof typeof envSchema>(
    key: K,
    fallback: string | undefined,
  ): z.output<(typeof envSchema)[K]> => {
    const raw = env[key] === undefined || env[key] === "" ? fallback : env[key];
    const parsed = envSchema[key].safeParse(raw);
    if (!parsed.success) {
      const why = parsed.error.issues[0]?.message ?? "invalid";
      throw new KitConfigError(
        `${key}=${JSON.stringify(env[key])} is invalid (${why}); fix or unset it`,
        key,
      );
    }
    return parsed.data as z.output<(typeof envSchema)[K]>;
  };
  const hosts = read("MCP_ALLOWED_HOSTS", undefined);
  return {
    port: read("PORT", String(defaults.port)),
    host: read("HOST", "0.0.0.0"),
    authToken: read("MCP_AUTH_TOKEN", undefined),
    allowedHosts:
      hosts === undefined
        ? [defaults.serviceName, "localhost", "127.0.0.1"]
        : hosts
            .split(",")
            .map((h) => h.trim())
            .filter((h) => h !== ""),
    logLevel: read("LOG_LEVEL", "info"),
    maxSessions: read("MCP_MAX_SESSIONS", "64"),
    sessionIdleMs: read("MCP_SESSION_IDLE_SECONDS", "1800") * 1000,
  };
}

export interface RunFromEnvOptions {
  /** Server name for the MCP handshake and logs. */
  name: string;
  /** Server version for the MCP handshake. */
  version: string;
  /** The Compose service name (e.g. datetime-mcp): accepted as Host by default. */
  serviceName: string;
  /** Port used when PORT is unset. */
  defaultPort: number;
  /** Registers the tools on each session's server. */
  registerTools: (server: McpServer) => void;
  /** Releases the server's own resources (child processes, timers) on shutdown; must not throw. */
  onShutdown?: () => Promise<void>;
  /** The environment to read; default process.env. */
  env?: NodeJS.ProcessEnv;
}

/**
 * Starts the server from the environment and installs SIGTERM/SIGINT handlers that close it, run
 * `onShutdown` and exit 0 (a second signal exits at once). A bad variable exits 2, a failed listen 1.
 */
export async function runFromEnv(options: RunFromEnvOptions): Promise<RunningMcpServer> {
  const env = options.env ?? process.env;
  const logger = createLogger(options.name);
  let settings: ServerEnv;
  try {
    settings = readServerEnv(env, { serviceName: options.serviceName, port: options.defaultPort });
  } catch (error) {
    if (!KitConfigError.isInstance(error)) throw error;
    logger.fatal(error.message);
    process.exit(2);
  }
  logger.level = settings.logLevel;
  let running: RunningMcpServer;
  try {
    running = await serveMcp({
      name: options.name,
      version: options.version,
      port: settings.port,
      host: settings.host,
      registerTools: options.registerTools,
      authToken: settings.authToken,
      allowedHosts: settings.allowedHosts,
      logger,
      maxSessions: settings.maxSessions,
      sessionIdleMs: settings.sessionIdleMs,
    });
  } catch (error) {
    logger.fatal({ err: error }, `cannot listen on ${settings.host}:${settings.port}; is the port free?`);
    await options.onShutdown?.();
    process.exit(1);
  }
  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) process.exit(130);
    stopping = true;
    logger.info({ signal }, "shutting down");
    void (async () => {
      await running.close().catch((error: unknown) => logger.error({ err: error }, "close failed"));
      await options.onShutdown?.();
      logger.flush();
      process.exit(0);
    })();
  };
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
  return running;
}
