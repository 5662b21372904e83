// The one capped exponential backoff with jitter (no dependencies): the agent's LLM retries, MCP reconnects and
// keystore lock waits all use it, so a dead server costs a few cheap attempts and waiters do not move in lockstep.

/** How retries are spaced. */
export interface BackoffPolicy {
  /** Delay before the first retry. */
  initialMs: number;
  /** No delay grows beyond this. */
  maxMs: number;
}

/** 1 s, 2 s, 4 s, ... up to 30 s: the hub's reconnects. */
export const DEFAULT_BACKOFF: BackoffPolicy = { initialMs: 1_000, maxMs: 30_000 };

/** Delay before retry number `attempt` (1-based): exponential, capped, then scaled by 50-100 % at random. */
export function backoffDelay(
  attempt: number,
  policy: BackoffPolicy,
  random: () => number = Math.random,
): number {
  const exponential = policy.initialMs * 2 ** Math.max(0, Math.min(attempt - 1, 30));
  const capped = Math.min(policy.maxMs, exponential);
  return Math.round(capped * (0.5 + random() * 0.5));
}
