// One kernel output stream (stdout or stderr) kept within a head/tail cap, cut into per-cell pieces by the
// end-of-cell marker the driver writes, so a cell gets exactly its own output however large it was.

import { StringDecoder } from "node:string_decoder";

/** A cell's output on one stream. */
export interface CapturedText {
  /** The text, with the middle replaced by a notice when it was over the cap. */
  text: string;
  /** How many characters were left out of the middle (0 when nothing was). */
  omitted: number;
}

/** Keeps the first and last `half` characters of everything added. */
class HeadTail {
  #head = "";
  #tail = "";
  #omitted = 0;

  constructor(private readonly half: number) {}

  add(text: string): void {
    const room = this.half - this.#head.length;
    if (room > 0) {
      this.#head += text.slice(0, room);
      text = text.slice(room);
    }
    if (text === "") return;
    const tail = this.#tail + text;
    this.#omitted += Math.max(0, tail.length - this.half);
    this.#tail = tail.length > this.half ? tail.slice(-this.half) : tail;
  }

  drain(): CapturedText {
    const omitted = this.#omitted;
    const text =
      omitted === 0
        ? this.#head + this.#tail
        : `${this.#head}\n... [${omitted} characters omitted] ...\n${this.#tail}`;
    this.#head = "";
    this.#tail = "";
    this.#omitted = 0;
    return { text, omitted };
  }
}

export class OutputCapture {
  readonly #decoder = new StringDecoder("utf8");
  readonly #buffer: HeadTail;
  /** Trailing characters that may be the start of the marker, not yet committed. */
  #pending = "";
  #marker: string | undefined;
  #onMarker: (() => void) | undefined;
  /** The cell's output, once its marker was seen. */
  #finished: CapturedText | undefined;

  /** @param cap most characters kept per cell (half from the start, half from the end). */
  constructor(cap: number) {
    this.#buffer = new HeadTail(Math.floor(cap / 2));
  }

  /** Starts a cell: waits for `marker`, then runs `onMarker` once. Output since the last cell is included. */
  expect(marker: string, onMarker: () => void): void {
    this.#marker = marker;
    this.#onMarker = onMarker;
    this.#finished = undefined;
  }

  /** Feeds raw bytes from the pipe. */
  push(chunk: Buffer): void {
    let data = this.#pending + this.#decoder.write(chunk);
    this.#pending = "";
    const marker = this.#marker;
    if (marker !== undefined) {
      const at = data.indexOf(marker);
      if (at >= 0) {
        this.#buffer.add(data.slice(0, at));
        this.#finished = this.#buffer.drain();
        // Whatever follows the marker (a background thread's print) belongs to the next cell.
        this.#buffer.add(data.slice(at + marker.length));
        const done = this.#onMarker;
        this.#marker = undefined;
        this.#onMarker = undefined;
        done?.();
        return;
      }
      const keep = Math.min(data.length, marker.length - 1);
      this.#pending = data.slice(data.length - keep);
      data = data.slice(0, data.length - keep);
    }
    this.#buffer.add(data);
  }

  /** The cell's output (all of it so far if the marker never came) and a fresh start for the next cell. */
  take(): CapturedText {
    const finished = this.#finished;
    this.#finished = undefined;
    this.#marker = undefined;
    this.#onMarker = undefined;
    if (finished !== undefined) return finished;
    this.#buffer.add(this.#pending);
    this.#pending = "";
    return this.#buffer.drain();
  }
}
