// Streams answer text on, except what may be a tool call written as text (a `<tool_call>` marker, a content
// that starts like a JSON call): that is held until the response ends, then either becomes a real call or,
// when it was not one, is shown after all. So a recovered call never flashes up as raw JSON on the screen.
import { textToolCallStart } from "./text-tool-calls.js";

/** Longest marker prefix that can straddle two pieces (`<|python_start|>` is 16 characters). */
const OVERLAP = 16;

export class TextCallHold {
  private text = "";
  private shown = 0;
  private holding = false;

  constructor(private readonly show: (text: string) => void) {}

  push(piece: string): void {
    if (!piece) return;
    this.text += piece;
    if (this.holding) return;
    // Only the unseen tail is scanned (linear in the answer, not quadratic); the "x" keeps a tail that starts
    // with "{" from counting as a content that starts with JSON.
    const from = this.shown === 0 ? 0 : Math.max(0, this.shown - OVERLAP);
    const tail = this.text.slice(from);
    const found = from === 0 ? textToolCallStart(tail) : shift(textToolCallStart(`x${tail}`), -1);
    const until = found === undefined ? this.text.length : Math.max(this.shown, from + found);
    // A start well before the end is a marker or a JSON content: hold the rest. One in the last few
    // characters may be a partial marker ("a <" in prose): scan again with the next piece.
    if (found !== undefined && from + found < this.text.length - OVERLAP) this.holding = true;
    this.emit(until);
  }

  /** The held text was a call: it is dropped from the screen (the call is shown as a call). */
  discard(): void {
    this.shown = this.text.length;
  }

  /** The held text was not a call after all: show it. */
  release(): void {
    this.emit(this.text.length);
  }

  private emit(until: number): void {
    if (until > this.shown) this.show(this.text.slice(this.shown, until));
    this.shown = Math.max(this.shown, until);
  }
}

function shift(index: number | undefined, by: number): number | undefined {
  return index === undefined ? undefined : Math.max(0, index + by);
}
