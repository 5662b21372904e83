// The loop's ToolSource over MCP: the sandbox's toolhost (built-ins, unprefixed, started lazily) plus every
// mcp.json server (`<server>__<tool>`), with status for /tools, /reload and a close that leaves no process.

import { type BackoffPolicy, DEFAULT_BACKOFF } from "@ts-coding-agent/mcp-kit/backoff";
import { DYNAMIC_TOOLS_STATUS_URI, dynamicToolsStatusSchema } from "@ts-coding-agent/toolhost";
import { type Logger, silentLogger } from "../log/logger.js";
import type { ToolCallOptions, ToolResult, ToolSource, ToolSpec } from "../loop/tools.js";
import type { SandboxLauncher } from "../sandbox/launcher.js";
import type { ClientRequestHandler } from "./client-request-handler.js";
import { nearToolNames, SandboxUnavailableError, UnknownToolError } from "./hub-errors.js";
import { type McpServerConfig, TOOLHOST_NAME } from "./mcp-config.js";
import { ServerConnection } from "./server-connection.js";
import { openServerTransport } from "./server-transport.js";
import type { HubTool } from "./tool-names.js";
import type { ToolServerStatus } from "./tool-server-status.js";

export interface ToolHubOptions {
  /** Starts the toolhost that serves the built-in tools; absent: no built-ins (a hub of mcp.json servers). */
  launcher?: SandboxLauncher;
  /** Servers from mcp.json (see loadMcpConfig). */
  servers: McpServerConfig[];
  /** Where the hub logs; it never prints. */
  logger?: Logger;
  /** The toolhost's longest shell timeout; the toolhost's call timeout is 120 s more. Default 600 s. */
  shellMaxTimeoutMs?: number;
  /** Toolhost call timeout without progress. Default 120 s + shellMaxTimeoutMs. */
  toolhostCallTimeoutMs?: number;
  /** Server call timeout without progress. Default 60 s. */
  serverCallTimeoutMs?: number;
  /** A call reporting progress still fails after this many times its timeout. Default 3. */
  progressTimeoutFactor?: number;
  /** Budget for starting the toolhost and listing its tools. Default 30 s. */
  toolhostConnectTimeoutMs?: number;
  /** Budget for connecting to one server and listing its tools. Default 5 s. */
  serverConnectTimeoutMs?: number;
  /** Reconnect spacing while a server is down. Default 1 s doubling to 30 s, with jitter. */
  backoff?: BackoffPolicy;
}

interface Route {
  connection: ServerConnection;
  tool: HubTool;
}

function sandboxNotice(reason: string): string {
  return `[The sandbox was restarted because ${reason}. Workspace files are kept; running processes and shell state were lost.]`;
}

export class ToolHub implements ToolSource {
  private readonly logger: Logger;
  private readonly toolhost: ServerConnection | undefined;
  private servers: ServerConnection[] = [];
  private serverConfigs = new Map<string, string>();
  private started: Promise<void> | undefined;
  private closed = false;
  private toolhostRequests: readonly ClientRequestHandler[] = [];

  constructor(private readonly options: ToolHubOptions) {
    this.logger = options.logger ?? silentLogger;
    const launcher = options.launcher;
    if (launcher) {
      const callTimeoutMs = options.toolhostCallTimeoutMs ?? 120_000 + (options.shellMaxTimeoutMs ?? 600_000);
      this.toolhost = new ServerConnection({
        name: TOOLHOST_NAME,
        kind: "sandbox",
        prefix: null,
        open: () => launcher.launch(),
        connectTimeoutMs: options.toolhostConnectTimeoutMs ?? 30_000,
        callTimeoutMs,
        maxCallTimeoutMs: callTimeoutMs * (options.progressTimeoutFactor ?? 3),
        backoff: options.backoff ?? DEFAULT_BACKOFF,
        // Lazy: the REPL is ready before the sandbox; a dead toolhost is relaunched by the next list or call.
        backgroundReconnect: false,
        restartNotice: sandboxNotice,
        logger: this.logger,
        requestHandlers: () => this.toolhostRequests,
      });
    }
    this.setServers(options.servers);
  }

  /**
   * Requests the toolhost may send back to the agent (code mode's calls from run_code). Set before the toolhost
   * first connects (it starts lazily); applied again at every reconnect. mcp.json servers never get them.
   */
  serveToolhostRequests(handlers: readonly ClientRequestHandler[]): void {
    this.toolhostRequests = handlers;
  }

  /**
   * Connects to every mcp.json server in parallel, each within its connect timeout. Never throws: a server
   * that is down keeps retrying in the background. Called by the first listTools() if not before.
   */
  start(): Promise<void> {
    this.started ??= Promise.all(this.servers.map((server) => server.ensureUp(true))).then(() => undefined);
    return this.started;
  }

  /**
   * The tools the model may call now. A server that is down just has no tools here; the toolhost being down
   * throws SandboxUnavailableError: without the sandbox there are no file or shell tools to work with.
   */
  async listTools(_signal?: AbortSignal): Promise<ToolSpec[]> {
    if (this.closed) return [];
    const [toolhostUp] = await Promise.all([this.toolhost?.ensureUp(false), this.start()]);
    if (this.toolhost && !toolhostUp) {
      const reason = this.toolhost.status().reason ?? "the sandbox is not running";
      throw new SandboxUnavailableError(reason.replace(/^cannot connect: /, ""));
    }
    // A tool added during the last call (create_tool) must be callable in the very next step.
    await Promise.all(this.connections().map((connection) => connection.settled()));
    return this.routes(true).map(({ tool }) => ({
      name: tool.exposedName,
      description: tool.description,
      parameters: tool.parameters,
    }));
  }

  async callTool(name: string, args: Record<string, unknown>, options: ToolCallOptions): Promise<ToolResult> {
    // Also searches servers that are down, so a call to a dead toolhost relaunches it. A miss lists once first:
    // a caller may call before anything listed (a skill as the first command; the toolhost starts lazily).
    const find = () => this.routes(false).find(({ tool }) => tool.exposedName === name);
    let route = find();
    if (!route) {
      await this.listTools(options.signal);
      route = find();
    }
    if (!route) {
      const known = this.routes(true).map(({ tool }) => tool.exposedName);
      throw new UnknownToolError(name, nearToolNames(name, known));
    }
    return route.connection.callTool(route.tool, args, options);
  }

  /** One entry per server, the toolhost first, for /tools. */
  status(): ToolServerStatus[] {
    const shadowed = this.shadowedTools();
    return this.connections().map((connection) => {
      const status = connection.status();
      const lost = shadowed.get(connection.name) ?? [];
      status.tools = status.tools.filter((tool) => !lost.includes(tool));
      status.dropped.push(
        ...lost.map((tool) => ({ mcpName: tool, reason: "shadows a built-in or another server's tool" })),
      );
      return status;
    });
  }

  /**
   * For /reload: applies a new server list when given (servers whose entry changed are reconnected), re-reads
   * the tool lists of servers that are up and retries those that are down, now.
   */
  async reload(servers?: McpServerConfig[]): Promise<ToolServerStatus[]> {
    if (this.closed) return this.status();
    if (servers) await this.replaceServers(servers);
    await Promise.all(
      this.connections().map((connection) =>
        connection.isUp() ? connection.refresh() : connection.ensureUp(connection !== this.toolhost),
      ),
    );
    return this.status();
  }

  /**
   * Dynamic tools the toolhost failed to load, with the reason, for /tools and /reload. Reading them makes
   * the toolhost rescan its dynamic-tools folder first. [] when there is no toolhost or it is down.
   */
  async dynamicToolProblems(): Promise<Array<{ name: string; reason: string }>> {
    const text = await this.toolhost?.readResourceText(DYNAMIC_TOOLS_STATUS_URI);
    if (text === undefined) return [];
    try {
      const parsed = dynamicToolsStatusSchema.safeParse(JSON.parse(text));
      return parsed.success ? parsed.data.problems : [];
    } catch {
      return [];
    }
  }

  /** Disconnects every server, stops the sandbox and all timers. Idempotent, never throws. */
  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(this.connections().map((connection) => connection.close()));
    await this.options.launcher?.dispose().catch(() => undefined);
  }

  private connections(): ServerConnection[] {
    return this.toolhost ? [this.toolhost, ...this.servers] : [...this.servers];
  }

  /** Tool routes in priority order (built-ins first); a name already taken is never routed to a later server. */
  private routes(upOnly: boolean): Route[] {
    const routes: Route[] = [];
    const taken = new Set<string>();
    for (const connection of this.connections()) {
      if (upOnly && !connection.isUp()) continue;
      for (const tool of connection.knownTools()) {
        if (taken.has(tool.exposedName)) continue;
        taken.add(tool.exposedName);
        routes.push({ connection, tool });
      }
    }
    return routes;
  }

  private shadowedTools(): Map<string, string[]> {
    const winners = new Map(this.routes(false).map(({ connection, tool }) => [tool.exposedName, connection]));
    const shadowed = new Map<string, string[]>();
    for (const connection of this.connections()) {
      for (const tool of connection.knownTools()) {
        if (winners.get(tool.exposedName) === connection) continue;
        shadowed.set(connection.name, [...(shadowed.get(connection.name) ?? []), tool.exposedName]);
      }
    }
    return shadowed;
  }

  private createServer(config: McpServerConfig): ServerConnection {
    const callTimeoutMs = this.options.serverCallTimeoutMs ?? 60_000;
    return new ServerConnection({
      name: config.name,
      kind: config.transport,
      prefix: config.name,
      open: async () => openServerTransport(config, this.logger),
      connectTimeoutMs: this.options.serverConnectTimeoutMs ?? 5_000,
      callTimeoutMs,
      maxCallTimeoutMs: callTimeoutMs * (this.options.progressTimeoutFactor ?? 3),
      backoff: this.options.backoff ?? DEFAULT_BACKOFF,
      backgroundReconnect: true,
      restartNotice: (reason) =>
        `[Reconnected to MCP server "${config.name}" after: ${reason}. State the server kept may be lost.]`,
      logger: this.logger,
    });
  }

  private setServers(configs: McpServerConfig[]): void {
    this.servers = configs.map((config) => this.createServer(config));
    this.serverConfigs = new Map(configs.map((config) => [config.name, JSON.stringify(config)]));
  }

  private async replaceServers(configs: McpServerConfig[]): Promise<void> {
    const previous = new Map(this.servers.map((server) => [server.name, server]));
    const next: ServerConnection[] = [];
    for (const config of configs) {
      const existing = previous.get(config.name);
      if (existing && this.serverConfigs.get(config.name) === JSON.stringify(config)) {
        next.push(existing);
        previous.delete(config.name);
      } else {
        next.push(this.createServer(config));
      }
    }
    await Promise.all([...previous.values()].map((server) => server.close()));
    this.servers = next;
    this.serverConfigs = new Map(configs.map((config) => [config.name, JSON.stringify(config)]));
  }
}
