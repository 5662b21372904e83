// Bounds one LLM request: an idle timeout (reset by every chunk), a cap on its total time and on the bytes it
// may stream. An endless or runaway stream is cut with a reason instead of growing the process without limit.

export interface RequestLimits {
  /** Longest wait for the first byte and between two chunks. */
  idleMs: number;
  /** Longest a whole response may take, streaming included. */
  totalMs: number;
  /** Most characters of text, reasoning and tool-call arguments one response may carry. */
  maxChars: number;
}

/** Why the guard cut a request (absent: it did not). */
export type GuardCut =
  | { kind: "idle"; ms: number }
  | { kind: "total"; ms: number }
  | { kind: "size"; chars: number };

export class RequestGuard {
  private readonly controller = new AbortController();
  private idleTimer: NodeJS.Timeout | undefined;
  private readonly totalTimer: NodeJS.Timeout;
  private chars = 0;
  private cutReason: GuardCut | undefined;
  private readonly onCallerAbort: () => void;

  constructor(
    private readonly caller: AbortSignal,
    private readonly limits: RequestLimits,
  ) {
    this.onCallerAbort = () => this.controller.abort(caller.reason);
    // An abort that came before this request fires no event: check it.
    if (caller.aborted) this.onCallerAbort();
    else caller.addEventListener("abort", this.onCallerAbort, { once: true });
    this.totalTimer = setTimeout(() => this.cut({ kind: "total", ms: limits.totalMs }), limits.totalMs);
    this.touch();
  }

  /** Aborts when the caller aborts or a limit is hit: pass it to the HTTP request. */
  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** Set once a limit cut the request; the caller's own abort leaves it undefined. */
  get cutBy(): GuardCut | undefined {
    return this.cutReason;
  }

  /** A chunk arrived carrying `chars` characters of content: resets the idle timer, counts toward the cap. */
  touch(chars = 0): void {
    this.chars += chars;
    if (this.chars > this.limits.maxChars) {
      this.cut({ kind: "size", chars: this.limits.maxChars });
      return;
    }
    clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => this.cut({ kind: "idle", ms: this.limits.idleMs }), this.limits.idleMs);
  }

  /** Stops the timers and forgets the caller's signal. Call when the request is over, however it ended. */
  dispose(): void {
    clearTimeout(this.idleTimer);
    clearTimeout(this.totalTimer);
    this.caller.removeEventListener("abort", this.onCallerAbort);
  }

  private cut(reason: GuardCut): void {
    if (this.controller.signal.aborted) return;
    this.cutReason = reason;
    this.controller.abort(new Error(describeCut(reason)));
  }
}

/** One phrase for a cut: "no answer for 300 s", "the response took over 900 s", "the response passed 8 MB". */
export function describeCut(cut: GuardCut): string {
  switch (cut.kind) {
    case "idle":
      return `no answer for ${Math.round(cut.ms / 1000)} s`;
    case "total":
      return `the response took over ${Math.round(cut.ms / 1000)} s (LLM_MAX_RESPONSE_SECONDS)`;
    case "size":
      return `the response passed ${Math.round(cut.chars / 1_000_000)} M characters`;
  }
}
