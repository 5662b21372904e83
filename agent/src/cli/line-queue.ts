// Input lines as a pull queue over readline, so the REPL and a confirmation prompt read from one source,
// on a TTY and on piped stdin alike. `next()` resolves undefined once input has ended and been drained.
import type { Interface } from "node:readline";

export class LineQueue {
  private readonly lines: string[] = [];
  private waiting: ((line: string | undefined) => void) | undefined;
  private ended = false;

  constructor(rl: Interface) {
    rl.on("line", (line) => {
      if (this.waiting) {
        const resolve = this.waiting;
        this.waiting = undefined;
        resolve(line);
      } else this.lines.push(line);
    });
    rl.on("close", () => {
      this.ended = true;
      this.waiting?.(undefined);
      this.waiting = undefined;
    });
  }

  /** Lines received and not yet taken (typed ahead while a turn ran). */
  get pending(): number {
    return this.lines.length;
  }

  /** Ends a pending `next()` with undefined (a question cancelled with Ctrl-C); later lines queue as usual. */
  cancel(): void {
    const resolve = this.waiting;
    this.waiting = undefined;
    resolve?.(undefined);
  }

  next(): Promise<string | undefined> {
    const line = this.lines.shift();
    if (line !== undefined) return Promise.resolve(line);
    if (this.ended) return Promise.resolve(undefined);
    return new Promise((resolve) => {
      this.waiting = resolve;
    });
  }
}
