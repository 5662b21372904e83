// What the loop knows about tools: a source that lists them and runs them.
// The loop never learns where tools come from (the MCP hub, a test's in-memory set, a skill's restricted view).

/** A JSON Schema object describing a tool's arguments (`type: "object"` with `properties`). */
export type JsonSchema = Record<string, unknown>;

/** A tool as the model sees it. */
export interface ToolSpec {
  /** Name the model calls it by: a built-in (`read_file`) or a namespaced MCP tool (`datetime__get_current_time`). */
  name: string;
  /** One or two sentences for the model. */
  description: string;
  /** JSON Schema of the arguments. */
  parameters: JsonSchema;
}

/** What a tool call gives back to the model. */
export interface ToolResult {
  /** Text for the model (already bounded by the tool; the loop scrubs secrets from it). */
  text: string;
  /** True when the call failed; the text then says why and what to do. */
  isError: boolean;
}

export interface ToolCallOptions {
  /** Aborted when the user interrupts the turn (Ctrl-C); the tool must stop its work and processes. */
  signal: AbortSignal;
  /** Streamed output of a long-running tool (shell), shown to the user, never sent to the model. */
  onProgress?: (chunk: string) => void;
}

/** Where the loop gets its tools from. */
export interface ToolSource {
  /**
   * The tools the model may call now. Called before every LLM request, so it must be cheap after the first
   * call (cache, refresh on change). Must not throw for a tool server that is down: its tools are just absent.
   * Throws when the tools cannot work at all (the sandbox cannot start): the loop ends the turn with the
   * error's message (reason `sandbox_error`).
   */
  listTools(signal?: AbortSignal): Promise<ToolSpec[]>;
  /**
   * Runs one tool. May throw (unknown tool, transport failure, timeout): the loop turns the throw into an
   * error result for the model, so a failing tool never ends the turn.
   */
  callTool(name: string, args: Record<string, unknown>, options: ToolCallOptions): Promise<ToolResult>;
}
