// Where a Markdown text holds code: fenced blocks and inline `code` spans. Tool-call markup a model shows
// inside code is an example for the reader, never a call to run.

/** One stretch of code in a text, as [start, end) indices. */
export interface CodeSpan {
  /** Index of the first character (the opening fence or backtick). */
  start: number;
  /** Index just past the closing fence line or backtick; the text's length when it never closes. */
  end: number;
}

const FENCE = /^ {0,3}(`{3,}|~{3,})/;

/** The fenced blocks and inline code spans of `text`, in order. An unclosed fence runs to the end. */
export function codeSpans(text: string): CodeSpan[] {
  const spans: CodeSpan[] = [];
  let proseStart = 0;
  let fence: { marker: string; start: number } | undefined;
  let lineStart = 0;
  while (lineStart <= text.length) {
    const newline = text.indexOf("\n", lineStart);
    const lineEnd = newline === -1 ? text.length : newline + 1;
    const line = text.slice(lineStart, lineEnd);
    const opener = FENCE.exec(line)?.[1];
    if (fence === undefined && opener !== undefined) {
      spans.push(...inlineSpans(text, proseStart, lineStart));
      fence = { marker: opener, start: lineStart };
    } else if (fence !== undefined && isCloser(fence.marker, line)) {
      spans.push({ start: fence.start, end: lineEnd });
      fence = undefined;
      proseStart = lineEnd;
    }
    if (newline === -1) break;
    lineStart = lineEnd;
  }
  if (fence !== undefined) spans.push({ start: fence.start, end: text.length });
  else spans.push(...inlineSpans(text, proseStart, text.length));
  return spans;
}

/** True when `index` lies inside one of `spans`. */
export function insideCode(spans: readonly CodeSpan[], index: number): boolean {
  return spans.some((span) => index >= span.start && index < span.end);
}

/** A closing fence: the opening character only (no info string), at least as many as opened. */
function isCloser(marker: string, line: string): boolean {
  const trimmed = line.trim();
  return trimmed.length >= marker.length && /^(`+|~+)$/.test(trimmed) && trimmed[0] === marker[0];
}

/** Inline code spans (a run of n backticks up to the next run of exactly n) in text[from, to). */
function inlineSpans(text: string, from: number, to: number): CodeSpan[] {
  const spans: CodeSpan[] = [];
  let i = from;
  while (i < to) {
    if (text[i] !== "`") {
      i++;
      continue;
    }
    const runLength = backtickRun(text, i, to);
    const close = findRun(text, i + runLength, to, runLength);
    if (close === undefined) {
      i += runLength;
      continue;
    }
    spans.push({ start: i, end: close + runLength });
    i = close + runLength;
  }
  return spans;
}

function backtickRun(text: string, at: number, to: number): number {
  let n = 0;
  while (at + n < to && text[at + n] === "`") n++;
  return n;
}

function findRun(text: string, from: number, to: number, length: number): number | undefined {
  let i = from;
  while (i < to) {
    if (text[i] !== "`") {
      i++;
      continue;
    }
    const run = backtickRun(text, i, to);
    if (run === length) return i;
    i += run;
  }
  return undefined;
}
