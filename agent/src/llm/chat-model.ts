// What the loop asks of a model, whatever wire protocol is behind it (OpenAI-compatible or Ollama's native
// API): one request in, one response out, text and reasoning streamed through callbacks as they arrive.
import type { Logger } from "pino";
import type { ContextWindow } from "./context-window.js";
import type { ChatMessage, ChatResponse } from "./messages.js";
import type { Provider } from "./providers.js";
import type { RequestLimits } from "./request-guard.js";
import type { RetryPolicy } from "./retry.js";

/** A tool offered to the model (structurally the loop's ToolSpec). */
export interface FunctionTool {
  name: string;
  description: string;
  parameters: Record<string, unknown>;
}

export interface ChatRequest {
  messages: ChatMessage[];
  tools: FunctionTool[];
  signal: AbortSignal;
  /** Answer text as it arrives (streaming providers; a tool call written as text is held back, not shown). */
  onText?: (delta: string) => void;
  /** The model's reasoning as it arrives (`<think>` blocks, `reasoning_content`, Ollama's `thinking`). */
  onReasoning?: (delta: string) => void;
  /** Called before each retry, so a front end can say why it is waiting. */
  onRetry?: (info: { retry: number; delayMs: number; reason: string }) => void;
}

/** One provider + model, ready to answer. */
export interface ChatModel {
  readonly provider: string;
  readonly model: string;
  readonly baseURL: string;
  chat(request: ChatRequest): Promise<ChatResponse>;
  /** The context window requests are sized to (asked of the server once, then cached). Never throws. */
  contextWindow(signal?: AbortSignal): Promise<ContextWindow>;
}

/** Ollama-only request settings. */
export interface OllamaSettings {
  /** Upper bound for `options.num_ctx` (OLLAMA_NUM_CTX); the model's own context length may be smaller. */
  numCtxCap: number;
  /** `think` (OLLAMA_THINK): absent sends nothing and lets the model decide. */
  think?: boolean | "low" | "medium" | "high";
  /** `keep_alive` (OLLAMA_KEEP_ALIVE), e.g. "30m"; absent uses the server's default. */
  keepAlive?: string;
}

export interface ChatModelOptions {
  provider: Provider;
  model: string;
  /** The key, looked up at request time so `/key` changes apply at once. */
  apiKey: () => string | undefined;
  /** Longest wait for the first byte and between two chunks. */
  timeoutMs: number;
  /** Caps on one response's total time and size (defaults: 900 s, 8 M characters). */
  limits?: Partial<Omit<RequestLimits, "idleMs">>;
  retry: RetryPolicy;
  /** Context window to assume when the server does not say (CONTEXT_WINDOW). */
  contextWindowFallback?: number;
  ollama?: OllamaSettings;
  logger?: Pick<Logger, "debug" | "warn">;
}
