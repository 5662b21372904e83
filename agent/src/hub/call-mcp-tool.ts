// One tools/call over an MCP client with the hub's rules: a timeout that progress resets up to a hard cap,
// progress text forwarded to the caller, the turn's AbortSignal linked per call, the result mapped for the loop.
import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import type { ToolCallOptions, ToolResult } from "../loop/tools.js";
import { toolResultFromMcp } from "./result-text.js";

/** Time limits of one call. */
export interface CallTimeouts {
  /** Fails the call when no answer or progress arrives for this long. */
  callTimeoutMs: number;
  /** Fails the call after this long even while it reports progress. */
  maxCallTimeoutMs: number;
}

/** Calls `mcpName` with `args`. Throws what the SDK throws (McpError on timeout or a closed connection). */
export async function callMcpTool(
  client: Client,
  mcpName: string,
  args: Record<string, unknown>,
  options: ToolCallOptions,
  timeouts: CallTimeouts,
): Promise<ToolResult> {
  // The SDK never removes its abort listener; a per-call signal keeps the turn's signal from collecting them.
  const controller = new AbortController();
  const onAbort = () => controller.abort(options.signal.reason);
  if (options.signal.aborted) onAbort();
  else options.signal.addEventListener("abort", onAbort, { once: true });
  try {
    const result = await client.callTool({ name: mcpName, arguments: args }, undefined, {
      signal: controller.signal,
      timeout: timeouts.callTimeoutMs,
      // Progress (streamed shell output) proves the server is alive, up to a hard cap.
      resetTimeoutOnProgress: true,
      maxTotalTimeout: timeouts.maxCallTimeoutMs,
      onprogress: (progress) => {
        const text = progress.message ?? `${progress.progress}${progress.total ? `/${progress.total}` : ""}`;
        options.onProgress?.(text);
      },
    });
    return toolResultFromMcp(result as CallToolResult);
  } finally {
    options.signal.removeEventListener("abort", onAbort);
  }
}
