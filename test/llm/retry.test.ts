// Backoff arithmetic: jitter inside the exponential window, retry-after in seconds or as a date, caps.

import { backoffDelay } from "@ts-coding-agent/mcp-kit/backoff";
import { describe, expect, it } from "vitest";
import { parseRetryAfter, retryDelayMs } from "../../agent/src/llm/retry.js";

const policy = { maxRetries: 3, baseDelayMs: 100, maxDelayMs: 1_000 };

describe("retry delays", () => {
  it("grows exponentially with jitter in the upper half of the window", () => {
    expect(retryDelayMs(policy, 1, null, () => 0)).toBe(50);
    expect(retryDelayMs(policy, 1, null, () => 1)).toBe(100);
    expect(retryDelayMs(policy, 3, null, () => 1)).toBe(400);
    expect(retryDelayMs(policy, 10, null, () => 1)).toBe(1_000);
  });

  it("waits by the same backoff as the hub's reconnects when the server sent no retry-after", () => {
    for (const retry of [1, 2, 3, 4, 5, 12]) {
      for (const draw of [0, 0.37, 0.5, 1]) {
        expect(retryDelayMs(policy, retry, null, () => draw)).toBe(
          backoffDelay(retry, { initialMs: 100, maxMs: 1_000 }, () => draw),
        );
      }
    }
  });

  it("prefers retry-after, capped by the policy", () => {
    expect(retryDelayMs(policy, 1, "0.3")).toBe(300);
    expect(retryDelayMs(policy, 1, "120")).toBe(1_000);
  });

  it("parses retry-after as an HTTP date and ignores garbage", () => {
    const now = Date.parse("2026-01-01T00:00:00Z");
    expect(parseRetryAfter("Thu, 01 Jan 2026 00:00:02 GMT", now)).toBe(2_000);
    expect(parseRetryAfter("soon", now)).toBeUndefined();
    expect(parseRetryAfter("", now)).toBeUndefined();
  });
});
