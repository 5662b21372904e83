// A failed LLM request, classified once for both wire protocols: what kind of failure, whether a retry can
// help, and the status and retry-after a server sent. Turned into the one LlmError the user sees.
import { namedError } from "@ts-coding-agent/mcp-kit/named-error";
import type { LlmErrorKind } from "./llm-error.js";
import { describeCut, type GuardCut } from "./request-guard.js";
import { isRetryableStatus } from "./retry.js";

export interface Failure {
  kind: LlmErrorKind;
  reason: string;
  retryable: boolean;
  status?: number;
  retryAfter?: string | null;
}

/** A server's answer was not what the protocol promises (no choices, bad JSON). */
export class ProtocolError extends namedError("ProtocolError") {}

/** An HTTP status and the server's message, as a Failure. */
export function statusFailure(status: number, detail: string, retryAfter: string | null = null): Failure {
  const reason = `HTTP ${status}${detail ? `: ${firstLine(detail)}` : ""}`;
  if (status === 401 || status === 403) return { kind: "auth", reason, retryable: false, status };
  if (status === 404) return { kind: "model-not-found", reason, retryable: false, status };
  if (status === 429) return { kind: "rate-limit", reason, retryable: true, status, retryAfter };
  if (isRetryableStatus(status)) return { kind: "server", reason, retryable: true, status, retryAfter };
  return { kind: "bad-request", reason, retryable: false, status };
}

/** A request the guard cut: a silent server is worth a retry, a runaway response is not. */
export function cutFailure(cut: GuardCut): Failure {
  const reason = describeCut(cut);
  if (cut.kind === "idle") return { kind: "timeout", reason, retryable: true };
  return { kind: "too-long", reason, retryable: false };
}

/** fetch's "fetch failed" (or any error) with a system error code underneath: ECONNREFUSED, ENOTFOUND, ... */
export function connectionFailure(error: unknown): Failure | undefined {
  const code = errorCode(error);
  const fetchFailed = error instanceof TypeError && /fetch failed/i.test(error.message);
  if (!code && !fetchFailed) return undefined;
  return {
    kind: "unreachable",
    reason: code ? `connection failed (${code})` : "connection failed",
    retryable: true,
  };
}

function errorCode(error: unknown): string | undefined {
  for (let cause: unknown = error, depth = 0; cause && depth < 4; depth++) {
    const code = (cause as { code?: unknown }).code;
    // System network errors (ECONNREFUSED, ENOTFOUND, EAI_AGAIN) and undici's; not Node's ERR_* API errors.
    if (typeof code === "string" && /^(E[A-Z_]+|UND_ERR_\w+)$/.test(code) && !code.startsWith("ERR_"))
      return code;
    cause = (cause as { cause?: unknown }).cause;
  }
  return undefined;
}

export function firstLine(text: string): string {
  const line = text.split("\n", 1)[0] ?? "";
  return line.length > 200 ? `${line.slice(0, 200)}…` : line;
}
