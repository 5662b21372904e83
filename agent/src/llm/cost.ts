// What a request cost, only as the provider reported it: OpenRouter's `usage.cost`, LiteLLM's `usage.cost`
// (streamed) or `x-litellm-response-cost` header (whole responses). Nothing is priced here: no price tables.

/** The `cost` a server put in its usage object, in its currency (USD for OpenRouter credits and LiteLLM). */
export function usageCost(usage: unknown): number | undefined {
  if (!usage || typeof usage !== "object") return undefined;
  return nonNegative((usage as { cost?: unknown }).cost);
}

/** LiteLLM's `x-litellm-response-cost` header (a decimal string, USD); undefined when absent or not a number. */
export function headerCost(headers: { get(name: string): string | null } | undefined): number | undefined {
  const value = headers?.get("x-litellm-response-cost");
  if (value === null || value === undefined || value.trim() === "") return undefined;
  return nonNegative(Number(value));
}

function nonNegative(value: unknown): number | undefined {
  return typeof value === "number" && Number.isFinite(value) && value >= 0 ? value : undefined;
}
