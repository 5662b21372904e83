// Finds where a JSON object or array written inside free text ends, and parses it from there.
// Used to lift tool calls out of model text, where JSON is followed by prose, `;` or more markup.

/** One JSON value read out of a larger text. */
export interface ScannedJson {
  /** The parsed value. */
  value: unknown;
  /** The index just past the value's last character. */
  end: number;
}

/**
 * The index just past the JSON object or array that starts at `start` (brackets balanced, strings and escapes
 * respected), or undefined when `text[start]` opens neither or the value never closes.
 */
export function jsonValueEnd(text: string, start: number): number | undefined {
  const first = text[start];
  if (first !== "{" && first !== "[") return undefined;
  const closers: string[] = [];
  let inString = false;
  for (let i = start; i < text.length; i++) {
    const ch = text[i];
    if (inString) {
      if (ch === "\\") i++;
      else if (ch === '"') inString = false;
      continue;
    }
    if (ch === '"') inString = true;
    else if (ch === "{") closers.push("}");
    else if (ch === "[") closers.push("]");
    else if (ch === "}" || ch === "]") {
      if (closers.pop() !== ch) return undefined;
      if (closers.length === 0) return i + 1;
    }
  }
  return undefined;
}

/** The JSON object or array that starts at `start`, or undefined when there is none or it does not parse. */
export function parseJsonAt(text: string, start: number): ScannedJson | undefined {
  const end = jsonValueEnd(text, start);
  if (end === undefined) return undefined;
  try {
    return { value: JSON.parse(text.slice(start, end)), end };
  } catch {
    return undefined;
  }
}

/**
 * Every JSON object or array in `text`, when the text holds nothing else but whitespace and, between values,
 * one of `separators`; undefined otherwise (including an empty text).
 */
export function parseJsonSequence(text: string, separators = ""): unknown[] | undefined {
  const values: unknown[] = [];
  let pos = skipSpace(text, 0);
  while (pos < text.length) {
    const scanned = parseJsonAt(text, pos);
    if (!scanned) return undefined;
    values.push(scanned.value);
    pos = skipSpace(text, scanned.end);
    if (pos < text.length && separators.includes(text[pos] ?? "")) pos = skipSpace(text, pos + 1);
  }
  return values.length > 0 ? values : undefined;
}

/** The first index at or after `pos` that is not whitespace (text.length when none). */
export function skipSpace(text: string, pos: number): number {
  let i = pos;
  while (i < text.length && /\s/.test(text[i] ?? "")) i++;
  return i;
}
