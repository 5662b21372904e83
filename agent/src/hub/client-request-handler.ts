// A request an MCP server may send back to the hub (the server → client direction), and how the hub answers it.
// Only the toolhost gets these: code mode's calls from run_code (agent/src/code-mode/code-calls.ts).

/** One custom server → client request the hub serves on the toolhost's connection. */
export interface ClientRequestHandler {
  /** JSON-RPC method. */
  method: string;
  /** Experimental capability declared in `initialize`, so the server knows the hub serves `method`. */
  capability: string;
  /**
   * Answers one request. `signal` aborts when the server cancels it (or the connection closes). May throw: the
   * SDK sends the error back as a JSON-RPC error.
   */
  handle: (params: Record<string, unknown>, signal: AbortSignal) => Promise<Record<string, unknown>>;
}
