// Batches a tool's streamed text into MCP progress notifications: at most one every ~100 ms, each bounded in
// size (the excess is skipped with a marker), with a strictly increasing progress counter.

/** Longest message one notification carries. */
export const PROGRESS_MAX_CHARS = 8 * 1024;
const INTERVAL_MS = 100;

/** Sends one batch; failures are ignored (progress is best effort). */
export type SendProgress = (message: string, progress: number) => Promise<void>;

export class ProgressBatcher {
  private buffered = "";
  private skipped = 0;
  private sequence = 0;
  private timer: NodeJS.Timeout | undefined;
  private sending: Promise<void> = Promise.resolve();

  constructor(private readonly send: SendProgress) {}

  /** Queues text for the next notification. */
  push(text: string): void {
    if (text === "") return;
    const room = PROGRESS_MAX_CHARS - this.buffered.length;
    this.buffered += text.slice(0, Math.max(room, 0));
    this.skipped += Math.max(text.length - Math.max(room, 0), 0);
    this.timer ??= setTimeout(() => this.flush(), INTERVAL_MS);
  }

  /** Sends what is queued and waits until every notification went out. Must not throw. */
  async finish(): Promise<void> {
    this.flush();
    await this.sending;
  }

  private flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.buffered === "" && this.skipped === 0) return;
    const marker = this.skipped > 0 ? `\n[… ${this.skipped} characters of output skipped …]\n` : "";
    const message = this.buffered + marker;
    this.buffered = "";
    this.skipped = 0;
    this.sequence += 1;
    const progress = this.sequence;
    this.sending = this.sending.then(() => this.send(message, progress).catch(() => undefined));
  }
}
