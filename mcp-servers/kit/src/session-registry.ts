// The live MCP sessions of one server: a capped map from Mcp-Session-Id to its server and transport, with the
// least recently used session evicted at the cap and idle sessions closed by a periodic sweep.

import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import type { StreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/streamableHttp.js";
import type { Logger } from "./create-logger.js";

/** One client's session: its own server instance bound to its own transport. */
export interface McpSession {
  /** The session id the transport generated (sent as Mcp-Session-Id). */
  id: string;
  /** The server instance whose tools were registered for this session. */
  server: McpServer;
  /** The Streamable HTTP transport the server is connected to. */
  transport: StreamableHTTPServerTransport;
  /** Date.now() of the last request seen on this session. */
  lastUsed: number;
}

export interface SessionRegistryOptions {
  /** Most sessions kept open; opening one more closes the least recently used. */
  maxSessions: number;
  /** Sessions with no request for this long are closed by the sweep. */
  idleMs: number;
  /** Where session open/close lines go. */
  logger: Logger;
}

export class SessionRegistry {
  readonly #sessions = new Map<string, McpSession>();
  readonly #sweep: NodeJS.Timeout;

  constructor(private readonly options: SessionRegistryOptions) {
    const period = Math.max(1000, Math.min(60_000, Math.floor(options.idleMs / 2)));
    this.#sweep = setInterval(() => void this.closeIdle(Date.now()), period);
    // The sweep alone must not keep the process alive.
    this.#sweep.unref();
  }

  get size(): number {
    return this.#sessions.size;
  }

  /** The session with this id, marked as just used; undefined when unknown (closed, reaped, or a restart). */
  touch(id: string): McpSession | undefined {
    const session = this.#sessions.get(id);
    if (session !== undefined) session.lastUsed = Date.now();
    return session;
  }

  /** Makes room for one more session: closes the least recently used while at the cap. */
  async makeRoom(): Promise<void> {
    while (this.#sessions.size >= this.options.maxSessions) {
      let oldest: McpSession | undefined;
      for (const s of this.#sessions.values())
        if (oldest === undefined || s.lastUsed < oldest.lastUsed) oldest = s;
      if (oldest === undefined) return;
      this.options.logger.info({ sessionId: oldest.id }, "session cap reached: closing least recently used");
      await this.close(oldest.id);
    }
  }

  add(session: McpSession): void {
    this.#sessions.set(session.id, session);
    this.options.logger.info({ sessionId: session.id, sessions: this.#sessions.size }, "session opened");
  }

  /** Forgets a session whose transport closed by itself (DELETE /mcp). Does not close anything. */
  forget(id: string): void {
    if (this.#sessions.delete(id)) this.options.logger.info({ sessionId: id }, "session closed");
  }

  /** Closes one session's server and transport. Never throws. */
  async close(id: string): Promise<void> {
    const session = this.#sessions.get(id);
    if (session === undefined) return;
    this.#sessions.delete(id);
    await session.server.close().catch((error: unknown) => {
      this.options.logger.warn({ sessionId: id, err: error }, "closing session failed");
    });
    this.options.logger.info({ sessionId: id }, "session closed");
  }

  /** Closes every session idle since before `now - idleMs`. */
  async closeIdle(now: number): Promise<void> {
    const stale = [...this.#sessions.values()].filter((s) => now - s.lastUsed > this.options.idleMs);
    for (const s of stale) await this.close(s.id);
  }

  /** Stops the sweep and closes every session (server shutdown). */
  async closeAll(): Promise<void> {
    clearInterval(this.#sweep);
    for (const id of [...this.#sessions.keys()]) await this.close(id);
  }
}
