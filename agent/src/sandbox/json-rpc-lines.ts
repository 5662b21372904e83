// Decodes MCP's stdio framing (one JSON-RPC message per line) from a byte stream, for every stdio transport
// we own (child process, docker attach): the SDK's ReadBuffer plus the error handling both need.
import type { ReadBuffer } from "@modelcontextprotocol/sdk/shared/stdio.js";
import type { JSONRPCMessage } from "@modelcontextprotocol/sdk/types.js";

export interface JsonRpcLineSink {
  onmessage?: ((message: JSONRPCMessage) => void) | undefined;
  onerror?: ((error: Error) => void) | undefined;
}

/**
 * Appends `chunk` and delivers every complete message. Returns false when the buffer itself failed (the
 * caller should close); a line that is not JSON-RPC (a stray console.log in the server) is reported and skipped.
 */
export function deliverJsonRpcLines(
  buffer: ReadBuffer,
  chunk: Buffer,
  sink: JsonRpcLineSink,
  label: string,
): boolean {
  try {
    buffer.append(chunk);
  } catch (error) {
    sink.onerror?.(error instanceof Error ? error : new Error(String(error)));
    return false;
  }
  for (;;) {
    let message: JSONRPCMessage | null;
    try {
      message = buffer.readMessage();
    } catch (error) {
      sink.onerror?.(new Error(`${label} wrote a line that is not JSON-RPC: ${String(error)}`));
      continue;
    }
    if (message === null) return true;
    sink.onmessage?.(message);
  }
}
