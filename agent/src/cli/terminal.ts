// The only place that writes to the user's screen: stdout for answers, stderr for activity and errors, an
// in-place status line on a TTY, colour only on a TTY without NO_COLOR, and every byte scrubbed of secrets.
//
// Screen rules (tested by rendering the output through a terminal emulator, test/cli/repl-screen.test.ts):
// the status line is drawn only on an empty line below all output and erased only when it is on screen, so it
// never overwrites or erases text; streamed text is held back only while it could be the start of a secret.
import type { Writable } from "node:stream";
import { type Scrubber, StreamScrubber } from "../keys/stream-scrubber.js";

export interface TerminalOptions {
  stdout: Writable;
  stderr: Writable;
  /** Colour and the status line: a TTY without NO_COLOR. */
  fancy: boolean;
  secrets: Scrubber;
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

/** Where streamed text goes: the answer to stdout, the model's reasoning (dimmed) to stderr. */
export type StreamKind = "answer" | "reasoning";

export class Terminal {
  private statusText: string | undefined;
  /** The status line is on screen now (on its own line, cursor after it). */
  private statusShown = false;
  /** The stream whose last line has no newline yet (undefined: the cursor starts an empty line). */
  private openLine: Writable | undefined;
  /** The stream whose line is still open (written without its newline yet). */
  private openStream: StreamKind | undefined;
  private readonly streams: Record<StreamKind, StreamScrubber>;

  constructor(private readonly options: TerminalOptions) {
    this.streams = {
      answer: new StreamScrubber(options.secrets),
      reasoning: new StreamScrubber(options.secrets),
    };
  }

  get fancy(): boolean {
    return this.options.fancy;
  }

  style(style: Style, text: string): string {
    if (!this.options.fancy || !text) return text;
    const [on, off] = codes[style];
    return `\x1b[${on}m${text}\x1b[${off}m`;
  }

  /**
   * Streamed text, written as it comes: the answer on stdout, reasoning dimmed on stderr. A tail that could be
   * the start of a key is held until the next piece (or `endStream`) shows it is not one.
   */
  stream(kind: StreamKind, text: string): void {
    if (!text) return;
    if (this.openStream && this.openStream !== kind) this.endStream();
    const safe = this.streams[kind].push(text);
    this.openStream = kind;
    this.emitStream(kind, safe);
  }

  /** Streamed answer text (shorthand for `stream("answer", text)`). */
  write(text: string): void {
    this.stream("answer", text);
  }

  /** Releases held text and ends the streamed line, so what follows starts on its own line. */
  endStream(): void {
    const kind = this.openStream;
    if (kind === undefined) return;
    this.openStream = undefined;
    this.emitStream(kind, this.streams[kind].flush());
    this.endLine();
  }

  /** A whole line on stdout (ends a streamed line first). */
  line(text = ""): void {
    this.endStream();
    this.endLine();
    this.put(this.options.stdout, `${this.options.secrets.scrub(text)}\n`);
  }

  /** A line of activity or a notice on stderr. */
  note(text: string): void {
    this.endStream();
    this.endLine();
    this.put(this.options.stderr, `${this.options.secrets.scrub(text)}\n`);
  }

  error(text: string): void {
    this.note(this.style("red", text));
  }

  /** Sets (or with undefined removes) the status line; a no-op unless fancy. */
  status(text: string | undefined): void {
    if (!this.options.fancy) return;
    this.hideStatus();
    this.statusText = text;
    this.showStatus();
  }

  /** Ends a line that has no newline yet, so the next output starts on its own line. */
  endLine(): void {
    if (this.openLine) this.put(this.openLine, "\n");
  }

  /** The line editor drew its prompt: the cursor is mid-line, so the next output first starts a new line. */
  inputLineOpen(): void {
    this.hideStatus();
    this.openLine = this.options.stdout;
  }

  /** The line editor ended its line (Enter): the cursor starts an empty line. */
  inputLineClosed(): void {
    this.openLine = undefined;
  }

  private emitStream(kind: StreamKind, text: string): void {
    if (!text) return;
    if (kind === "answer") this.put(this.options.stdout, text);
    else this.put(this.options.stderr, text, "dim");
  }

  /** Every write goes through here: status off, text, status back on when the cursor is on a fresh line. */
  private put(stream: Writable, text: string, style?: Style): void {
    this.hideStatus();
    stream.write(style ? this.style(style, text) : text);
    this.openLine = text.endsWith("\n") ? undefined : stream;
    this.showStatus();
  }

  private hideStatus(): void {
    if (!this.statusShown) return;
    this.options.stderr.write("\r\x1b[2K");
    this.statusShown = false;
  }

  private showStatus(): void {
    // Only on an empty line: drawn mid-line it would tear streamed text, and erasing it would erase the text.
    if (
      !this.options.fancy ||
      this.statusText === undefined ||
      this.openLine !== undefined ||
      this.statusShown
    )
      return;
    // One row at most: a wrapped status line could not be erased with one "clear line".
    const columns = (this.options.stderr as { columns?: number }).columns ?? 80;
    const text =
      this.statusText.length >= columns ? `${this.statusText.slice(0, columns - 2)}…` : this.statusText;
    this.options.stderr.write(this.style("dim", text));
    this.statusShown = true;
  }
}
