// What a built-in tool is to the server: a name, a short description, a zod input shape and a handler.
// server.ts registers descriptors with the MCP SDK; tools never see the SDK, so they stay easy to test.
import { namedError } from "@ts-coding-agent/mcp-kit/named-error";
import type { z } from "zod";

/** What a handler gets besides its arguments. */
export interface ToolCallContext {
  /** Aborted when the client cancels the request or the toolhost shuts down. */
  signal: AbortSignal;
  /** Streams text to the user while the tool runs (batched by the server); absent when nobody listens. */
  reportProgress?: (text: string) => void;
  /** Sends a request to the MCP client on behalf of this call (run_code's calls back to the agent). */
  askClient?: (
    method: string,
    params: Record<string, unknown>,
    options: { signal: AbortSignal; timeoutMs: number },
  ) => Promise<Record<string, unknown>>;
  /** True when the client declared the experimental capability `name` in its handshake. */
  clientSupports?: (name: string) => boolean;
}

/** A handler's answer; expected failures may also be thrown as errors with an actionable message. */
export interface ToolOutcome {
  /** Text for the model, already bounded by the tool. */
  text: string;
  /** True when the call failed (the text says why and what to do). */
  isError?: boolean;
}

/** A built-in tool as `createXTool(deps)` returns it. */
export interface ToolDescriptor<Shape extends z.ZodRawShape = z.ZodRawShape> {
  /** Name the model calls it by (DESIGN §3). */
  name: string;
  /** One or two exact sentences; prompt tokens are budgeted. */
  description: string;
  /** zod shape of the arguments; the SDK validates and turns it into JSON Schema. */
  inputShape: Shape;
  /** Runs the tool. May throw: the server turns a throw into an `isError` result. */
  handler: (args: z.infer<z.ZodObject<Shape>>, context: ToolCallContext) => Promise<ToolOutcome>;
}

/** A tool's input was well-formed but cannot be acted on (no match, no-op edit, offset past the end...). */
export class ToolInputError extends namedError("ToolInputError") {}
