// One MCP server as the hub sees it (the toolhost or an mcp.json entry): connect with a timeout, list and
// cache its tools, call them with a timeout, reconnect once when the session was lost, back off while down.
import { setTimeout as wait } from "node:timers/promises";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import {
  ErrorCode,
  McpError,
  type Tool,
  ToolListChangedNotificationSchema,
} from "@modelcontextprotocol/sdk/types.js";
import { type BackoffPolicy, backoffDelay } from "@ts-coding-agent/mcp-kit/backoff";
import { z } from "zod";
import type { Logger } from "../log/logger.js";
import type { ToolCallOptions, ToolResult } from "../loop/tools.js";
import { callMcpTool } from "./call-mcp-tool.js";
import type { ClientRequestHandler } from "./client-request-handler.js";
import { isSessionLost, ToolCallTimeoutError, ToolServerUnavailableError } from "./hub-errors.js";
import type { OpenedTransport } from "./server-transport.js";
import {
  convertTools,
  type DroppedTool,
  type HubTool,
  MAX_TOOLS_PER_SERVER,
  toolListFingerprint,
} from "./tool-names.js";
import type { ConnectionKind, ConnectionState, ToolServerStatus } from "./tool-server-status.js";

// Re-exported: the /tools command imports the status type from here.
export type { ConnectionKind, ConnectionState, ToolServerStatus } from "./tool-server-status.js";

export interface ServerConnectionOptions {
  /** Server name (`toolhost` for the built-ins). */
  name: string;
  /** Transport kind, for /tools. */
  kind: ConnectionKind;
  /** Tool name prefix (the server name), or null for the toolhost's unprefixed built-ins. */
  prefix: string | null;
  /** Creates a new transport for each (re)connect. */
  open: () => Promise<OpenedTransport>;
  /** Budget for open + initialize + first tools/list. */
  connectTimeoutMs: number;
  /** A call fails when no answer or progress arrives for this long. */
  callTimeoutMs: number;
  /** A call fails after this long even while it reports progress. */
  maxCallTimeoutMs: number;
  /** Spacing of reconnect attempts while down. */
  backoff: BackoffPolicy;
  /** True: retry on a timer while down. False: retry only when the hub asks (the lazily started toolhost). */
  backgroundReconnect: boolean;
  /** First line of the next tool result after a lost connection was re-established. */
  restartNotice: (reason: string) => string;
  /** Where events go. */
  logger: Logger;
  /** Requests this server may send to the hub, read at each connect (the toolhost only: code mode). */
  requestHandlers?: () => readonly ClientRequestHandler[];
}

const CLIENT_INFO = { name: "ts-coding-agent", version: "0.1.0" };
/** Bounds paging through tools/list against a server that keeps returning cursors. */
const MAX_TOOL_PAGES = 10;

/** Reasons end up in tool results and /tools: one bounded line. */
function messageOf(error: unknown): string {
  // The SDK puts whole messages in some errors ("... unknown token: {json}"): tool output, which a cut could
  // leave with part of a secret too short for the scrubber to know. Drop the payload, then cut.
  const message = (error instanceof Error ? error.message : String(error)).replace(/: \{[\s\S]*$/, ": {…}");
  return message.length > 300 ? `${message.slice(0, 300)}...` : message;
}

function abortError(signal: AbortSignal): Error {
  return signal.reason instanceof Error
    ? signal.reason
    : new DOMException("The tool call was aborted", "AbortError");
}

/** `promise`, or an error naming `what` once `ms` have passed; the timer is cancelled either way. */
async function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  const cancel = new AbortController();
  const expired = wait(ms, undefined, { signal: cancel.signal }).then(() => {
    throw new Error(`${what} took longer than ${ms} ms`);
  });
  try {
    return await Promise.race([promise, expired]);
  } finally {
    cancel.abort();
  }
}

export class ServerConnection {
  private client: Client | undefined;
  private pendingClient: Client | undefined;
  private state: ConnectionState = "down";
  private reason = "not connected yet";
  private description: string | undefined;
  private tools: HubTool[] = [];
  private dropped: DroppedTool[] = [];
  private initialFingerprint: string | undefined;
  private changedSinceStart = false;
  private connecting: Promise<boolean> | undefined;
  /** The tool list refresh a tools/list_changed notification started, until it ends. */
  private refreshing: Promise<void> | undefined;
  /** Why an established connection was lost; reported in the next tool result, then cleared. */
  private lostReason: string | undefined;
  private lastTransportError: string | undefined;
  private attempts = 0;
  private nextAttemptAt = 0;
  private retryTimer: NodeJS.Timeout | undefined;
  /** Bumped on every (re)connect and close, so events from an old client are ignored. */
  private generation = 0;
  private closed = false;

  constructor(readonly options: ServerConnectionOptions) {}

  get name(): string {
    return this.options.name;
  }

  /** Tools of the current (or, while down, last) connection. */
  knownTools(): readonly HubTool[] {
    return this.tools;
  }

  isUp(): boolean {
    return this.state === "up";
  }

  /**
   * Connects unless up or closed. Waits for a connect already in flight; while down, only connects when the
   * backoff delay has passed or `force` is set. Never throws: returns whether the server is up.
   */
  async ensureUp(force: boolean): Promise<boolean> {
    if (this.closed) return false;
    if (this.state === "up") return true;
    if (this.connecting) return this.connecting;
    if (!force && Date.now() < this.nextAttemptAt) return false;
    return this.connect();
  }

  /** Re-reads the tool list of an up server (for /reload). Never throws. */
  async refresh(): Promise<void> {
    if (this.client) await this.refreshTools(this.client, this.generation);
  }

  /**
   * Resolves once the tool list refresh started by the last tools/list_changed has ended (at once when none
   * runs), so a tool the server added during a call is listed in the very next step. Never rejects.
   */
  settled(): Promise<void> {
    return this.refreshing ?? Promise.resolve();
  }

  /** Reads a text resource of an up server; undefined when it is down or the read fails. Never throws. */
  async readResourceText(uri: string): Promise<string | undefined> {
    const client = this.client;
    if (!client || this.state !== "up") return undefined;
    try {
      const result = await client.readResource({ uri }, { timeout: this.options.connectTimeoutMs });
      const first = result.contents[0];
      return first !== undefined && "text" in first && typeof first.text === "string"
        ? first.text
        : undefined;
    } catch (error) {
      this.options.logger.debug(
        { server: this.name, uri, err: messageOf(error) },
        "reading a resource failed",
      );
      return undefined;
    }
  }

  /** Calls one of this server's tools: reconnects first when down, and once more when the session was lost. */
  async callTool(
    tool: HubTool,
    args: Record<string, unknown>,
    options: ToolCallOptions,
  ): Promise<ToolResult> {
    if (!(await this.ensureUp(true))) throw new ToolServerUnavailableError(this.name, this.reason);
    try {
      return this.withNotice(await this.request(tool, args, options));
    } catch (error) {
      if (options.signal.aborted) throw abortError(options.signal);
      if (!isSessionLost(error)) throw this.explain(tool, error);
      const reason = messageOf(error);
      this.options.logger.info({ server: this.name, reason }, "mcp session lost; reconnecting once");
      await this.dropClient(reason);
      if (!(await this.ensureUp(true))) throw new ToolServerUnavailableError(this.name, this.reason);
      if (!this.tools.some((known) => known.mcpName === tool.mcpName)) {
        throw new ToolServerUnavailableError(
          this.name,
          `it no longer offers ${tool.mcpName} after reconnecting`,
        );
      }
      try {
        return this.withNotice(await this.request(tool, args, options));
      } catch (retryError) {
        if (options.signal.aborted) throw abortError(options.signal);
        throw this.explain(tool, retryError);
      }
    }
  }

  status(): ToolServerStatus {
    const status: ToolServerStatus = {
      name: this.name,
      kind: this.options.kind,
      state: this.state,
      tools: this.tools.map((tool) => tool.exposedName),
      dropped: [...this.dropped],
      changedSinceStart: this.changedSinceStart,
    };
    if (this.state === "down") status.reason = this.reason;
    if (this.description !== undefined) status.description = this.description;
    return status;
  }

  /** Disconnects for good (kills a stdio child); stops reconnect timers. Idempotent, never throws. */
  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.retryTimer);
    this.generation++;
    const clients = [this.client, this.pendingClient];
    this.client = undefined;
    this.pendingClient = undefined;
    this.state = "down";
    this.reason = "closed";
    await Promise.all(clients.map((client) => client?.close().catch(() => undefined)));
    await this.connecting;
  }

  private connect(): Promise<boolean> {
    this.connecting ??= this.doConnect().finally(() => {
      this.connecting = undefined;
    });
    return this.connecting;
  }

  private async doConnect(): Promise<boolean> {
    clearTimeout(this.retryTimer);
    this.state = "connecting";
    const generation = ++this.generation;
    const { connectTimeoutMs, logger } = this.options;
    const client = this.newClient();
    this.pendingClient = client;
    this.lastTransportError = undefined;
    client.onerror = (error) => {
      if (generation !== this.generation) return;
      const message = messageOf(error);
      logger.debug({ server: this.name, err: message }, "mcp transport error");
      // The HTTP transport gave up resuming a stream: the server is gone, and calls waiting on that stream
      // would otherwise hang until their timeout.
      if (/maximum reconnection attempts/i.test(message)) {
        this.onConnectionLost(client, `the server stopped answering (${this.lastTransportError ?? message})`);
        return;
      }
      this.lastTransportError = message;
    };
    client.onclose = () => this.onConnectionLost(client);
    client.setNotificationHandler(ToolListChangedNotificationSchema, () => {
      const refresh = this.refreshTools(client, generation).finally(() => {
        if (this.refreshing === refresh) this.refreshing = undefined;
      });
      this.refreshing = refresh;
    });
    try {
      const started = Date.now();
      const opened = await withTimeout(this.options.open(), connectTimeoutMs, "starting the server");
      this.description = opened.description;
      const remaining = () => Math.max(1, connectTimeoutMs - (Date.now() - started));
      await client.connect(opened.transport, { timeout: remaining() });
      const tools = await this.fetchTools(client, remaining());
      if (generation !== this.generation) throw new Error("closed while connecting");
      this.pendingClient = undefined;
      this.client = client;
      this.applyTools(tools);
      this.state = "up";
      this.attempts = 0;
      logger.info({ server: this.name, tools: this.tools.length }, "mcp server connected");
      return true;
    } catch (error) {
      if (this.pendingClient === client) this.pendingClient = undefined;
      await client.close().catch(() => undefined);
      if (generation !== this.generation) return false;
      this.generation++;
      // A closed connection says nothing; the transport's last error (how a child exited) says why.
      const closed = error instanceof McpError && error.code === ErrorCode.ConnectionClosed;
      const detail = closed ? (this.lastTransportError ?? messageOf(error)) : messageOf(error);
      this.markDown(`cannot connect: ${detail}`);
      return false;
    }
  }

  private newClient(): Client {
    const handlers = this.options.requestHandlers?.() ?? [];
    const experimental = Object.fromEntries(handlers.map((handler) => [handler.capability, {}]));
    const client = new Client(CLIENT_INFO, {
      capabilities: handlers.length === 0 ? {} : { experimental },
    });
    for (const handler of handlers) {
      const schema = z.object({ method: z.literal(handler.method), params: z.looseObject({}).optional() });
      client.setRequestHandler(schema, (request, extra) =>
        handler.handle(request.params ?? {}, extra.signal),
      );
    }
    return client;
  }

  /** Only an established connection can be lost; a failure while connecting is handled by doConnect. */
  private onConnectionLost(client: Client, why?: string): void {
    if (this.client !== client || this.closed) return;
    this.generation++;
    this.client = undefined;
    const reason = why ?? this.lastTransportError ?? "the connection closed";
    // Rejects the calls still waiting on this client (a no-op when it already closed).
    void client.close().catch(() => undefined);
    this.lostReason = reason;
    this.options.logger.warn({ server: this.name, reason }, "mcp server connection lost");
    this.markDown(reason);
  }

  /** Forgets the current client (its session is gone) without waiting for it to close. */
  private async dropClient(reason: string): Promise<void> {
    const client = this.client;
    this.generation++;
    this.client = undefined;
    this.lostReason = reason;
    this.state = "down";
    this.reason = reason;
    await client?.close().catch(() => undefined);
  }

  private markDown(reason: string): void {
    this.state = "down";
    this.reason = reason;
    if (this.closed) return;
    this.attempts++;
    // The first retry is immediate (a crashed server usually comes back at once); later ones back off.
    const delay = this.attempts === 1 ? 0 : backoffDelay(this.attempts - 1, this.options.backoff);
    this.nextAttemptAt = Date.now() + delay;
    if (!this.options.backgroundReconnect) return;
    clearTimeout(this.retryTimer);
    // Forced: the timer is the backoff, and timers may fire a millisecond before nextAttemptAt.
    this.retryTimer = setTimeout(() => void this.ensureUp(true), delay);
    this.retryTimer.unref();
  }

  private async fetchTools(client: Client, timeoutMs: number): Promise<Tool[]> {
    const tools: Tool[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < MAX_TOOL_PAGES; page++) {
      const result = await client.listTools(cursor === undefined ? {} : { cursor }, { timeout: timeoutMs });
      tools.push(...result.tools);
      cursor = result.nextCursor;
      if (cursor === undefined || tools.length > MAX_TOOLS_PER_SERVER) break;
    }
    return tools;
  }

  private async refreshTools(client: Client, generation: number): Promise<void> {
    try {
      const tools = await this.fetchTools(client, this.options.connectTimeoutMs);
      if (generation === this.generation) this.applyTools(tools);
    } catch (error) {
      this.options.logger.warn(
        { server: this.name, err: messageOf(error) },
        "refreshing the tool list failed",
      );
    }
  }

  private applyTools(tools: Tool[]): void {
    const fingerprint = toolListFingerprint(tools);
    this.initialFingerprint ??= fingerprint;
    if (fingerprint !== this.initialFingerprint && !this.changedSinceStart) {
      this.changedSinceStart = true;
      this.options.logger.warn({ server: this.name }, "the server's tool list changed since start-up");
    }
    const converted = convertTools(this.options.prefix, tools);
    this.tools = converted.tools;
    this.dropped = converted.dropped;
  }

  private async request(tool: HubTool, args: Record<string, unknown>, options: ToolCallOptions) {
    if (!this.client) throw new Error(`${this.name}: not connected`);
    return callMcpTool(this.client, tool.mcpName, args, options, this.options);
  }

  private withNotice(result: ToolResult): ToolResult {
    const reason = this.lostReason;
    if (reason === undefined) return result;
    this.lostReason = undefined;
    return { ...result, text: `${this.options.restartNotice(reason)}\n${result.text}` };
  }

  private explain(tool: HubTool, error: unknown): Error {
    if (error instanceof McpError && error.code === ErrorCode.RequestTimeout) {
      return new ToolCallTimeoutError(tool.exposedName, this.options.callTimeoutMs, { cause: error });
    }
    if (error instanceof McpError && error.code === ErrorCode.ConnectionClosed) {
      const reason = this.state === "down" ? this.reason : "the connection closed";
      return new ToolServerUnavailableError(this.name, `${reason} during the call; the next call reconnects`);
    }
    return error instanceof Error ? error : new Error(String(error));
  }
}
