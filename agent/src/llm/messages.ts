// The chat messages the agent keeps and sends: the OpenAI chat-completions shapes, narrowed to what we use.
// Kept structurally identical to the wire format so history goes to any OpenAI-compatible endpoint unchanged.

/** One function call the model asked for. `arguments` is the raw JSON text as the model produced it. */
export interface ToolCall {
  id: string;
  type: "function";
  function: { name: string; arguments: string };
}

export type ChatMessage =
  | { role: "system"; content: string }
  | { role: "user"; content: string }
  | { role: "assistant"; content: string | null; tool_calls?: ToolCall[] }
  | { role: "tool"; tool_call_id: string; content: string };

/** Token counts the provider reported for one request. */
export interface Usage {
  promptTokens: number;
  completionTokens: number;
  /** What the provider said the request cost (OpenRouter, LiteLLM); 0 for Ollama; absent when not reported. */
  cost?: number;
}

export type FinishReason = "stop" | "tool_calls" | "length" | "content_filter" | "other";

/** One model response, after streaming (if any) has finished. */
export interface ChatResponse {
  /** The assistant's text (may be empty when it only calls tools). */
  text: string;
  toolCalls: ToolCall[];
  finishReason: FinishReason;
  /** Absent when the provider reported none. */
  usage?: Usage;
  /** The model's reasoning, kept apart from the answer and never sent back. */
  reasoning?: string;
  /** Set when the tool calls were recovered from text the model wrote instead of structured calls. */
  recoveredFrom?: string;
  /** A tool call written as text was cut by the output limit: it was taken out of `text` and must not run. */
  cutToolCall?: boolean;
}

export function normaliseFinishReason(
  reason: string | null | undefined,
  hasToolCalls: boolean,
): FinishReason {
  switch (reason) {
    case "stop":
    case "tool_calls":
    case "length":
    case "content_filter":
      return reason;
    case "function_call":
      return "tool_calls";
    default:
      // Some servers (older Ollama, LiteLLM routes) send null or omit it; infer from what arrived.
      return hasToolCalls ? "tool_calls" : reason ? "other" : "stop";
  }
}
