// One request with retries, for either wire protocol: every attempt runs under a RequestGuard (idle timeout,
// total-time and size caps); a failure is retried only before any output streamed, then becomes one LlmError.
import { setTimeout as wait } from "node:timers/promises";
import type { ChatModelOptions, ChatRequest } from "./chat-model.js";
import { connectionFailure, cutFailure, type Failure, firstLine } from "./failure.js";
import { adviceFor, LlmError } from "./llm-error.js";
import type { ChatResponse } from "./messages.js";
import { RequestGuard, type RequestLimits } from "./request-guard.js";
import { retryDelayMs } from "./retry.js";

/** One attempt through a wire protocol. `started` turns true once output arrived (no retry after that). */
export type Attempt = (
  request: ChatRequest,
  guard: RequestGuard,
  started: { value: boolean },
) => Promise<ChatResponse>;

/** The protocol's own errors (HTTP statuses) as a Failure; undefined for errors it does not know. */
export type Classify = (error: unknown) => Failure | undefined;

const DEFAULT_TOTAL_MS = 900_000;
const DEFAULT_MAX_CHARS = 8_000_000;

export function limitsOf(options: ChatModelOptions): RequestLimits {
  return {
    idleMs: options.timeoutMs,
    totalMs: options.limits?.totalMs ?? DEFAULT_TOTAL_MS,
    maxChars: options.limits?.maxChars ?? DEFAULT_MAX_CHARS,
  };
}

export async function chatWithRetries(
  options: ChatModelOptions,
  request: ChatRequest,
  attempt: Attempt,
  classify: Classify,
): Promise<ChatResponse> {
  const { provider, retry } = options;
  for (let attemptNumber = 1; ; attemptNumber++) {
    const started = { value: false };
    const guard = new RequestGuard(request.signal, limitsOf(options));
    let failure: Failure;
    try {
      const response = await attempt(request, guard, started);
      // An abort can end a stream quietly instead of throwing: a cut stream is not a finished answer.
      if (guard.signal.aborted) throw guard.signal.reason ?? new Error("aborted");
      return response;
    } catch (error) {
      failure = classifyAll(error, request.signal, guard, classify);
      const retryable = failure.retryable && !started.value && attemptNumber <= retry.maxRetries;
      options.logger?.warn(
        {
          provider: provider.name,
          baseURL: provider.baseURL,
          attempt: attemptNumber,
          status: failure.status,
          retryable,
        },
        `LLM request failed: ${failure.reason}`,
      );
      if (!retryable) throw toLlmError(options, failure, attemptNumber, error);
      const delayMs = retryDelayMs(retry, attemptNumber, failure.retryAfter);
      request.onRetry?.({ retry: attemptNumber, delayMs, reason: failure.reason });
      try {
        await wait(delayMs, undefined, { signal: request.signal });
      } catch {
        throw toLlmError(
          options,
          { ...failure, kind: "aborted", reason: "interrupted" },
          attemptNumber,
          error,
        );
      }
    } finally {
      guard.dispose();
    }
  }
}

function classifyAll(error: unknown, signal: AbortSignal, guard: RequestGuard, classify: Classify): Failure {
  if (signal.aborted) return { kind: "aborted", reason: "interrupted", retryable: false };
  if (guard.cutBy) return cutFailure(guard.cutBy);
  const known = classify(error) ?? connectionFailure(error);
  if (known) return known;
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
        `${capitalise(adviceFor(failure.kind, provider.name, model))}.`;
  return new LlmError(message, {
    kind: failure.kind,
    provider: provider.name,
    baseURL: provider.baseURL,
    attempts,
    cause,
    ...(failure.status !== undefined ? { status: failure.status } : {}),
  });
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
