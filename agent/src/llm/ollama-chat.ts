// Ollama's native API (/api/chat) through the official `ollama` client: NDJSON streaming, tool arguments as
// objects, `tool_name` on results, `options.num_ctx` sized to the model (the OpenAI-compatible /v1 ignores it
// and runs every request in the server's default window: ollama/ollama#5902), `think` and `keep_alive`.
import { Ollama, type Message as OllamaMessage, type ToolCall as OllamaToolCall } from "ollama";
import type { ChatModelOptions, OllamaSettings } from "./chat-model.js";
import { type Failure, statusFailure } from "./failure.js";
import type { ChatMessage, ChatResponse, ToolCall } from "./messages.js";
import { normaliseFinishReason } from "./messages.js";
import type { Attempt, Classify } from "./retrying-chat.js";

/** A client for `baseURL` whose requests also stop when `signal` aborts (the client's own abort is global). */
export function ollamaClient(baseURL: string, apiKey: string | undefined, signal?: AbortSignal): Ollama {
  return new Ollama({
    host: baseURL,
    ...(apiKey ? { headers: { Authorization: `Bearer ${apiKey}` } } : {}),
    fetch: (input, init) =>
      fetch(input, {
        ...init,
        ...(signal ? { signal: init?.signal ? AbortSignal.any([init.signal, signal]) : signal } : {}),
      }),
  });
}

export const defaultOllamaSettings: OllamaSettings = { numCtxCap: 32_768 };

/**
 * The attempt and error classifier for Ollama's native API. `numCtx` gives the window to request (from the
 * model's context length, capped by OLLAMA_NUM_CTX), looked up once per model.
 */
export function ollamaTransport(
  options: ChatModelOptions,
  numCtx: (signal: AbortSignal) => Promise<number>,
): { attempt: Attempt; classify: Classify } {
  const { provider, model } = options;
  const settings = options.ollama ?? defaultOllamaSettings;

  const attempt: Attempt = async (request, guard, started) => {
    const client = ollamaClient(provider.baseURL, options.apiKey(), guard.signal);
    const body = {
      model,
      messages: toOllamaMessages(request.messages),
      ...(request.tools.length > 0
        ? { tools: request.tools.map((tool) => ({ type: "function", function: tool })) }
        : {}),
      options: { num_ctx: await numCtx(guard.signal) },
      ...(settings.think !== undefined ? { think: settings.think } : {}),
      ...(settings.keepAlive !== undefined ? { keep_alive: settings.keepAlive } : {}),
    };
    options.logger?.debug(
      { provider: provider.name, model, messages: request.messages.length, num_ctx: body.options.num_ctx },
      "LLM request (ollama native)",
    );
    const response = new OllamaResponse();
    if (!provider.stream) {
      response.push(await client.chat({ ...body, stream: false }));
      return response.result();
    }
    for await (const part of await client.chat({ ...body, stream: true })) {
      const delta = response.push(part);
      guard.touch(delta.text.length + delta.reasoning.length + delta.argumentChars);
      started.value = response.started;
      if (delta.reasoning) request.onReasoning?.(delta.reasoning);
      if (delta.text) request.onText?.(delta.text);
    }
    return response.result();
  };

  const classify: Classify = (error): Failure | undefined => {
    if (error instanceof Error && error.name === "ResponseError") {
      const status = (error as Error & { status_code?: number }).status_code;
      if (typeof status === "number") return statusFailure(status, error.message);
    }
    return undefined;
  };
  return { attempt, classify };
}

/** Our OpenAI-shaped history as Ollama messages: arguments as objects, results named by their tool. */
export function toOllamaMessages(messages: readonly ChatMessage[]): OllamaMessage[] {
  const toolNames = new Map<string, string>();
  return messages.map((message): OllamaMessage => {
    if (message.role === "assistant") {
      const calls = (message.tool_calls ?? []).map((call): OllamaToolCall => {
        toolNames.set(call.id, call.function.name);
        return {
          function: { name: call.function.name, arguments: argumentsObject(call.function.arguments) },
        };
      });
      return {
        role: "assistant",
        content: message.content ?? "",
        ...(calls.length ? { tool_calls: calls } : {}),
      };
    }
    if (message.role === "tool") {
      const name = toolNames.get(message.tool_call_id);
      return { role: "tool", content: message.content, ...(name ? { tool_name: name } : {}) };
    }
    return { role: message.role, content: message.content };
  });
}

function argumentsObject(text: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(text || "{}");
    return value && typeof value === "object" && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : {};
  } catch {
    return {}; // a call the loop refused for bad JSON: its result already says so
  }
}

/** The fields of an /api/chat response (or stream part) that we read; all optional, as servers vary. */
interface OllamaPart {
  message?: { content?: string; thinking?: string; tool_calls?: OllamaToolCall[] };
  done?: boolean;
  done_reason?: string;
  prompt_eval_count?: number;
  eval_count?: number;
}

/** Accumulates Ollama's parts (one for a whole response) into a ChatResponse. */
class OllamaResponse {
  private text = "";
  private reasoning = "";
  private readonly calls: ToolCall[] = [];
  private doneReason: string | undefined;
  private promptTokens: number | undefined;
  private completionTokens: number | undefined;

  get started(): boolean {
    return this.text.length > 0 || this.reasoning.length > 0 || this.calls.length > 0;
  }

  push(part: OllamaPart): { text: string; reasoning: string; argumentChars: number } {
    const text = part.message?.content ?? "";
    const reasoning = part.message?.thinking ?? "";
    let argumentChars = 0;
    this.text += text;
    this.reasoning += reasoning;
    for (const call of part.message?.tool_calls ?? []) {
      const args = JSON.stringify(call.function.arguments ?? {});
      argumentChars += args.length;
      // Ollama sends no call ids: make them unique within the session.
      const id = `call_${Date.now().toString(36)}_${this.calls.length}`;
      this.calls.push({ id, type: "function", function: { name: call.function.name, arguments: args } });
    }
    if (part.done) {
      this.doneReason = part.done_reason;
      this.promptTokens = part.prompt_eval_count;
      this.completionTokens = part.eval_count;
    }
    return { text, reasoning, argumentChars };
  }

  result(): ChatResponse {
    const response: ChatResponse = {
      text: this.text,
      toolCalls: this.calls,
      finishReason: normaliseFinishReason(this.doneReason, this.calls.length > 0),
    };
    if (this.calls.length > 0 && this.doneReason !== "length") response.finishReason = "tool_calls";
    if (this.promptTokens !== undefined || this.completionTokens !== undefined) {
      // Ollama has no per-request price: a local model costs nothing per token.
      response.usage = {
        promptTokens: this.promptTokens ?? 0,
        completionTokens: this.completionTokens ?? 0,
        cost: 0,
      };
    }
    if (this.reasoning) response.reasoning = this.reasoning;
    return response;
  }
}
