// Where a secret hides when its form is broken up: folded or wrapped into lines (`base64 -w 60`, `fold`),
// and as hex bytes apart or in a dump (`73:6b`, `\x73`, `0x73,`, `%73`, xxd, hexdump -C, od). Each finder
// joins the pieces into one view, keeps where every character came from, and returns the spans to redact.
// Linear scans, no backtracking regular expression: a long, truncated dump cannot make them slow.

/** A half-open range of the original text to replace. */
export type Span = [start: number, end: number];

/** A line break as printed, or escaped once inside JSON (a log line, a request body), with its indentation. */
const LINE_BREAK = /[ \t]*(?:\r?\n|\\r\\n|\\n|\\r)[ \t]*/g;

/**
 * Spans of `matcher` matches in `text` with its line breaks taken out (a form wrapped or folded into lines).
 * Only matches that cross a line break are returned: the others are found without joining.
 */
export function wrappedSpans(text: string, matcher: RegExp): Span[] {
  if (text.search(LINE_BREAK) === -1) return [];
  // joined[j] came from text[origin[j]].
  let joined = "";
  const origin: number[] = [];
  let from = 0;
  for (const gap of text.matchAll(LINE_BREAK)) {
    for (let i = from; i < gap.index; i++) origin.push(i);
    joined += text.slice(from, gap.index);
    from = gap.index + gap[0].length;
  }
  for (let i = from; i < text.length; i++) origin.push(i);
  joined += text.slice(from);
  const spans: Span[] = [];
  for (const match of joined.matchAll(new RegExp(matcher.source, "gi"))) {
    const start = origin[match.index] ?? 0;
    const end = (origin[match.index + match[0].length - 1] ?? start) + 1;
    if (end - start > match[0].length) spans.push([start, end]);
  }
  return spans;
}

/** One decoded byte of a hex run, where its two digits stand, and where its line's text column ends. */
interface HexByte {
  value: number;
  start: number;
  end: number;
  /** End of the line when the line ends in a dump's text column (which shows this byte again). */
  columnEnd?: number;
}

const HEX = /^[0-9a-fA-F]$/;
/** A dump's offset column at the start of a line (xxd `00000010:`, hexdump `00000010  `, od `0000020 `). */
const OFFSET_COLUMN = /^[ \t]*[0-9a-fA-F]{4,16}(?::[ \t]?|[ \t]{1,2})(?=[0-9a-fA-F])/;
/** A dump's text column at the end of a line: hexdump's `|...|`, or after two spaces xxd's plain one. */
const PIPE_COLUMN = /[ \t]{2,}\|[^|]{0,16}\|[ \t]*$/;
const PLAIN_COLUMN = /[ \t]{2,}[\x20-\x7e]{1,16}$/;
/** Runs shorter than this many bytes are not searched (no secret is shorter). */
const MIN_RUN = 8;

/**
 * Spans of hex runs in `text` whose bytes hold a secret: `find` gets a run's bytes (as latin1 text) and
 * returns the ranges of them to redact. Bytes may stand apart (spaces, `:`, `,`, `-`, `.`, `\x`, `0x`, `%`) and
 * runs continue over line breaks, past a dump's offset and text columns (a span then covers the text column of
 * its last line too, which shows the secret's last bytes).
 */
export function hexSpans(text: string, find: (bytes: string) => Span[]): Span[] {
  const spans: Span[] = [];
  let run: HexByte[] = [];
  const flush = () => {
    if (run.length >= MIN_RUN) {
      const bytes = Buffer.from(run.map((b) => b.value)).toString("latin1");
      for (const [from, to] of find(bytes)) {
        const last = run[to - 1] as HexByte;
        spans.push([(run[from] as HexByte).start, last.columnEnd ?? last.end]);
      }
    }
    run = [];
  };
  for (const line of lines(text)) {
    let start = line.start;
    let end = line.end;
    const offset = OFFSET_COLUMN.exec(text.slice(start, end));
    if (offset) start += offset[0].length;
    const rest = text.slice(start, end);
    const column = PIPE_COLUMN.exec(rest) ?? (offset ? PLAIN_COLUMN.exec(rest) : null);
    if (column) end = start + column.index;
    const columnEnd = column ? line.end : undefined;
    let i = start;
    while (i < end) {
      const char = text[i] as string;
      const next = text[i + 1] ?? "";
      if (HEX.test(char) && HEX.test(next)) {
        const place = { value: Number.parseInt(char + next, 16), start: i, end: i + 2 };
        run.push(columnEnd === undefined ? place : { ...place, columnEnd });
        i += 2;
      } else if ((char === "0" || char === "\\") && (next === "x" || next === "X")) {
        i += 2;
      } else if (char === "\\" && next === "\\" && (text[i + 2] === "x" || text[i + 2] === "X")) {
        i += 3;
      } else if (" \t:,;.%-".includes(char)) {
        i += 1;
      } else {
        // Not hex: the run ends here; another may start after it.
        flush();
        i += 1;
      }
    }
  }
  flush();
  return spans;
}

/** The lines of `text` (also those broken by a JSON-escaped `\n`), as offsets without the break. */
function* lines(text: string): Generator<{ start: number; end: number }> {
  let start = 0;
  for (const match of text.matchAll(/\r?\n|\\r\\n|\\n/g)) {
    yield { start, end: match.index };
    start = match.index + match[0].length;
  }
  yield { start, end: text.length };
}
