// When and how long to wait before retrying an LLM request: the shared exponential backoff with jitter,
// honouring a server's `retry-after`, capped so an interactive user never waits for minutes.
import { backoffDelay } from "@ts-coding-agent/mcp-kit/backoff";

export interface RetryPolicy {
  /** Retries after the first attempt (so attempts = maxRetries + 1). */
  maxRetries: number;
  /** First backoff in ms; doubles each retry. */
  baseDelayMs: number;
  /** Upper bound for one wait, also for a server's retry-after. */
  maxDelayMs: number;
}

export const defaultRetryPolicy: RetryPolicy = { maxRetries: 3, baseDelayMs: 500, maxDelayMs: 20_000 };

/** Status codes worth retrying: rate limits, timeouts at a proxy, and server errors. */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 409 || status === 429 || status >= 500;
}

/**
 * The delay before retry number `retry` (1-based). A `retry-after` header (seconds or an HTTP date) wins when
 * present and sane; otherwise backoffDelay from `baseDelayMs` (50-100 % of an exponential window).
 */
export function retryDelayMs(
  policy: RetryPolicy,
  retry: number,
  retryAfter?: string | null,
  random: () => number = Math.random,
): number {
  const fromHeader = parseRetryAfter(retryAfter);
  if (fromHeader !== undefined) return Math.min(fromHeader, policy.maxDelayMs);
  return backoffDelay(retry, { initialMs: policy.baseDelayMs, maxMs: policy.maxDelayMs }, random);
}

export function parseRetryAfter(value: string | null | undefined, now = Date.now()): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}
