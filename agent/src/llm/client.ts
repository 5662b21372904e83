// Talks to one provider and model through the `openai` package: streaming or not, with retries before any
// output arrived, an idle timeout on every request, and failures turned into one actionable LlmError.
import OpenAI from "openai";
import type { Logger } from "pino";
import { adviceFor, LlmError, type LlmErrorKind } from "./llm-error.js";
import type { ChatMessage, ChatResponse } from "./messages.js";
import { normaliseFinishReason } from "./messages.js";
import type { Provider } from "./providers.js";
import { isRetryableStatus, type RetryPolicy, retryDelayMs, sleep } from "./retry.js";
import { StreamAccumulator } from "./stream.js";

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
  /** Streamed text as it arrives (streaming providers only). */
  onText?: (delta: string) => void;
  /** Called before each retry, so a front end can say why it is waiting. */
  onRetry?: (info: { retry: number; delayMs: number; reason: string }) => void;
}

/** One provider + model, ready to answer. */
export interface ChatModel {
  readonly provider: string;
  readonly model: string;
  readonly baseURL: string;
  chat(request: ChatRequest): Promise<ChatResponse>;
}

export interface ChatModelOptions {
  provider: Provider;
  model: string;
  /** The key, looked up at request time so `/key` changes apply at once. */
  apiKey: () => string | undefined;
  /** Longest wait for the first byte and between two chunks. */
  timeoutMs: number;
  retry: RetryPolicy;
  logger?: Pick<Logger, "debug" | "warn">;
}

export function createChatModel(options: ChatModelOptions): ChatModel {
  const { provider, model } = options;
  // One client per key: building it per request cost measurable time per step (bench/README.md); the key is
  // still read at request time, so a /key change applies to the next request.
  let client: { key: string; openai: OpenAI } | undefined;
  const clientFor = (key: string): OpenAI => {
    if (client?.key !== key) {
      client = {
        key,
        openai: new OpenAI({
          baseURL: provider.baseURL,
          apiKey: key,
          maxRetries: 0,
          timeout: options.timeoutMs,
        }),
      };
    }
    return client.openai;
  };
  return {
    provider: provider.name,
    model,
    baseURL: provider.baseURL,
    chat: (request) => chatWithRetries(options, request, clientFor),
  };
}

type ClientFor = (key: string) => OpenAI;

async function chatWithRetries(
  options: ChatModelOptions,
  request: ChatRequest,
  clientFor: ClientFor,
): Promise<ChatResponse> {
  const { provider, retry } = options;
  for (let attempt = 1; ; attempt++) {
    const started = { value: false };
    try {
      return await chatOnce(options, request, started, clientFor);
    } catch (error) {
      const failure = classify(error, request.signal);
      const retryable = failure.retryable && !started.value && attempt <= retry.maxRetries;
      options.logger?.warn(
        { provider: provider.name, baseURL: provider.baseURL, attempt, status: failure.status, retryable },
        `LLM request failed: ${failure.reason}`,
      );
      if (!retryable) throw toLlmError(options, failure, attempt, error);
      const delayMs = retryDelayMs(retry, attempt, failure.retryAfter);
      request.onRetry?.({ retry: attempt, delayMs, reason: failure.reason });
      try {
        await sleep(delayMs, request.signal);
      } catch {
        throw toLlmError(options, { ...failure, kind: "aborted", reason: "interrupted" }, attempt, error);
      }
    }
  }
}

async function chatOnce(
  options: ChatModelOptions,
  request: ChatRequest,
  started: { value: boolean },
  clientFor: ClientFor,
): Promise<ChatResponse> {
  const { provider, model } = options;
  // An idle timer (reset by every chunk) rather than one deadline: a long answer that keeps streaming is fine,
  // a server that goes silent is not.
  const controller = new AbortController();
  const onAbort = () => controller.abort(request.signal.reason);
  // An abort that came before this request (Ctrl-C while the tools were listed) fires no event: check it.
  if (request.signal.aborted) onAbort();
  else request.signal.addEventListener("abort", onAbort, { once: true });
  let timedOut = false;
  let timer: NodeJS.Timeout | undefined;
  const touch = () => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      timedOut = true;
      controller.abort(new Error("idle timeout"));
    }, options.timeoutMs);
  };
  touch();
  const client = clientFor(options.apiKey() ?? "no-key");
  const body = {
    model,
    messages: request.messages,
    ...(request.tools.length > 0
      ? {
          tools: request.tools.map((tool) => ({ type: "function" as const, function: tool })),
          tool_choice: "auto" as const,
        }
      : {}),
  };
  options.logger?.debug(
    { provider: provider.name, model, messages: request.messages.length, tools: request.tools.length },
    "LLM request",
  );
  try {
    if (!provider.stream) {
      const completion = await client.chat.completions.create(
        { ...body, stream: false },
        { signal: controller.signal },
      );
      const choice = completion.choices?.[0];
      if (!choice) throw new ProtocolError("the completion has no choices");
      const toolCalls = (choice.message.tool_calls ?? []).flatMap((call) =>
        call.type === "function"
          ? [{ id: call.id, type: "function" as const, function: { ...call.function } }]
          : [],
      );
      const response: ChatResponse = {
        text: choice.message.content ?? "",
        toolCalls,
        finishReason: normaliseFinishReason(choice.finish_reason, toolCalls.length > 0),
      };
      if (completion.usage) {
        response.usage = {
          promptTokens: completion.usage.prompt_tokens,
          completionTokens: completion.usage.completion_tokens,
        };
      }
      return response;
    }
    const stream = await client.chat.completions.create(
      { ...body, stream: true, stream_options: { include_usage: true } },
      { signal: controller.signal },
    );
    const accumulator = new StreamAccumulator();
    for await (const chunk of stream) {
      touch();
      const delta = accumulator.push(chunk);
      started.value = accumulator.started;
      if (delta) request.onText?.(delta);
    }
    // An abort can end the iteration quietly instead of throwing: a cut stream is not a finished answer.
    if (controller.signal.aborted) throw controller.signal.reason ?? new Error("aborted");
    return accumulator.result();
  } catch (error) {
    if (timedOut && !request.signal.aborted) throw new IdleTimeoutError(options.timeoutMs, { cause: error });
    throw error;
  } finally {
    clearTimeout(timer);
    request.signal.removeEventListener("abort", onAbort);
  }
}

class ProtocolError extends Error {
  override readonly name = "ProtocolError";
}

class IdleTimeoutError extends Error {
  override readonly name = "IdleTimeoutError";
  constructor(
    readonly timeoutMs: number,
    options: { cause: unknown },
  ) {
    super(`no answer for ${Math.round(timeoutMs / 1000)} s`, options);
  }
}

interface Failure {
  kind: LlmErrorKind;
  reason: string;
  retryable: boolean;
  status?: number;
  retryAfter?: string | null;
}

function classify(error: unknown, signal: AbortSignal): Failure {
  if (signal.aborted || error instanceof OpenAI.APIUserAbortError) {
    return { kind: "aborted", reason: "interrupted", retryable: false };
  }
  if (error instanceof IdleTimeoutError || error instanceof OpenAI.APIConnectionTimeoutError) {
    return { kind: "timeout", reason: error.message || "timed out", retryable: true };
  }
  if (error instanceof OpenAI.APIConnectionError) {
    const cause = error.cause instanceof Error ? error.cause : undefined;
    const code = (cause?.cause as { code?: string } | undefined)?.code ?? (cause as { code?: string })?.code;
    return {
      kind: "unreachable",
      reason: code ? `connection failed (${code})` : "connection failed",
      retryable: true,
    };
  }
  if (error instanceof OpenAI.APIError && typeof error.status === "number") {
    const status = error.status;
    const detail = firstLine(error.message.replace(/^\d{3}\s*/, ""));
    const retryAfter = error.headers?.get?.("retry-after") ?? null;
    const reason = `HTTP ${status}${detail ? `: ${detail}` : ""}`;
    if (status === 401 || status === 403) return { kind: "auth", reason, retryable: false, status };
    if (status === 404) return { kind: "model-not-found", reason, retryable: false, status };
    if (status === 429) return { kind: "rate-limit", reason, retryable: true, status, retryAfter };
    if (isRetryableStatus(status)) return { kind: "server", reason, retryable: true, status, retryAfter };
    return { kind: "bad-request", reason, retryable: false, status };
  }
  if (error instanceof ProtocolError || error instanceof SyntaxError) {
    return { kind: "protocol", reason: error.message, retryable: false };
  }
  const message = error instanceof Error ? error.message : String(error);
  return { kind: "protocol", reason: firstLine(message), retryable: false };
}

function toLlmError(options: ChatModelOptions, failure: Failure, attempts: number, cause: unknown): LlmError {
  const { provider, model } = options;
  const tries = attempts > 1 ? ` after ${attempts} attempts` : "";
  const subject = failure.kind === "model-not-found" ? `model "${model}" or URL not found` : failure.reason;
  const message =
    failure.kind === "aborted"
      ? "Interrupted."
      : `LLM ${provider.name} at ${provider.baseURL} failed${tries}: ${subject}. ` +
        `${capitalise(adviceFor(failure.kind, provider.name))}.`;
  return new LlmError(message, {
    kind: failure.kind,
    provider: provider.name,
    baseURL: provider.baseURL,
    attempts,
    cause,
    ...(failure.status !== undefined ? { status: failure.status } : {}),
  });
}

function firstLine(text: string): string {
  const line = text.split("\n", 1)[0] ?? "";
  return line.length > 200 ? `${line.slice(0, 200)}…` : line;
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
