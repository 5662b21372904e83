// The only place that writes to the user's screen: stdout for answers, stderr for activity and errors, an
// in-place status line on a TTY, colour only on a TTY without NO_COLOR, and every byte scrubbed of secrets.
import type { Writable } from "node:stream";

export interface TerminalOptions {
  stdout: Writable;
  stderr: Writable;
  /** Colour and the status line: a TTY without NO_COLOR. */
  fancy: boolean;
  scrub: (text: string) => string;
}

const codes = {
  dim: [2, 22],
  bold: [1, 22],
  red: [31, 39],
  green: [32, 39],
  yellow: [33, 39],
  cyan: [36, 39],
} as const;
export type Style = keyof typeof codes;

export class Terminal {
  private statusText: string | undefined;
  private atLineStart = true;

  constructor(private readonly options: TerminalOptions) {}

  get fancy(): boolean {
    return this.options.fancy;
  }

  style(style: Style, text: string): string {
    if (!this.options.fancy) return text;
    const [on, off] = codes[style];
    return `\x1b[${on}m${text}\x1b[${off}m`;
  }

  /** Streamed answer text, written as it comes. */
  write(text: string): void {
    if (!text) return;
    this.clearStatus();
    this.options.stdout.write(this.options.scrub(text));
    this.atLineStart = text.endsWith("\n");
  }

  /** A whole line on stdout (ends a streamed line first). */
  line(text = ""): void {
    this.endLine();
    this.write(`${text}\n`);
  }

  /** A line of activity or a notice on stderr. */
  note(text: string): void {
    this.endLine();
    this.clearStatus();
    this.options.stderr.write(`${this.options.scrub(text)}\n`);
    this.redrawStatus();
  }

  error(text: string): void {
    this.note(this.style("red", text));
  }

  /** Sets (or with undefined removes) the status line; a no-op unless fancy. */
  status(text: string | undefined): void {
    if (!this.options.fancy) return;
    this.clearStatus();
    this.statusText = text;
    this.redrawStatus();
  }

  /** Ends a streamed line that has no newline yet, so the next output starts on its own line. */
  endLine(): void {
    if (this.atLineStart) return;
    this.clearStatus();
    this.options.stdout.write("\n");
    this.atLineStart = true;
  }

  private clearStatus(): void {
    if (this.options.fancy && this.statusText !== undefined) this.options.stderr.write("\r\x1b[2K");
  }

  private redrawStatus(): void {
    // Only at the start of a line: drawing mid-line would tear streamed text.
    if (this.options.fancy && this.statusText !== undefined && this.atLineStart) {
      this.options.stderr.write(this.style("dim", this.statusText));
    }
  }
}
