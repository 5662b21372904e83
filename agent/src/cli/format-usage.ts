// How tokens, the share of the context window and cost read on screen: the status line, /context and the
// compaction lines. A cost is shown only when the provider reported one; nothing here prices anything.

/** `950`, `12.3k`. */
export function formatTokens(n: number): string {
  return n < 1000 ? String(n) : `${(n / 1000).toFixed(1)}k`;
}

/** `38% of 32.8k`: the part of the window a request uses. */
export function formatWindowShare(tokens: number, window: number): string {
  return `${percentOf(tokens, window)}% of ${formatTokens(window)}`;
}

/** Whole percent, never above 999 (a prompt larger than the window says so rather than overflowing). */
export function percentOf(tokens: number, window: number): number {
  if (window <= 0) return 0;
  return Math.min(999, Math.round((tokens / window) * 100));
}

/** `$0.0123`, with more digits for small amounts, so a cheap session does not read as $0.00. */
export function formatCost(usd: number): string {
  if (usd === 0) return "$0.00";
  if (usd >= 1) return `$${usd.toFixed(2)}`;
  if (usd >= 0.01) return `$${usd.toFixed(3)}`;
  return `$${usd.toFixed(5)}`;
}
