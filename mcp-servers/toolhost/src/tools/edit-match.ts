// Finding old_text for edit_file: every exact, non-overlapping occurrence with its line number, and, when there
// is none, the line of the file most like old_text's first line so the error can quote it.

/** One occurrence of old_text. */
export interface Match {
  /** Character index in the content. */
  index: number;
  /** 1-based line the occurrence starts on. */
  line: number;
}

/** Every non-overlapping occurrence of `needle` in `content`, in order. */
export function findMatches(content: string, needle: string): Match[] {
  const matches: Match[] = [];
  let line = 1;
  let counted = 0;
  for (
    let index = content.indexOf(needle);
    index !== -1;
    index = content.indexOf(needle, index + needle.length)
  ) {
    for (
      let at = content.indexOf("\n", counted);
      at !== -1 && at < index;
      at = content.indexOf("\n", at + 1)
    ) {
      line++;
      counted = at + 1;
    }
    matches.push({ index, line });
  }
  return matches;
}

function bigrams(text: string): Map<string, number> {
  const grams = new Map<string, number>();
  for (let index = 0; index < text.length - 1; index++) {
    const gram = text.slice(index, index + 2);
    grams.set(gram, (grams.get(gram) ?? 0) + 1);
  }
  return grams;
}

// Dice coefficient over character bigrams: cheap and forgiving of whitespace and small typos.
function similarity(a: Map<string, number>, aSize: number, b: string): number {
  const other = bigrams(b);
  const bSize = Math.max(b.length - 1, 0);
  if (aSize + bSize === 0) return 0;
  let shared = 0;
  for (const [gram, count] of other) shared += Math.min(count, a.get(gram) ?? 0);
  return (2 * shared) / (aSize + bSize);
}

/** The file line most like the first non-blank line of `needle`, or undefined when none is close. */
export function nearestLine(content: string, needle: string): { line: number; text: string } | undefined {
  const probe = needle
    .split("\n")
    .find((line) => line.trim() !== "")
    ?.trim();
  if (probe === undefined) return undefined;
  const probeGrams = bigrams(probe);
  const probeSize = Math.max(probe.length - 1, 0);
  let best: { line: number; text: string; score: number } | undefined;
  content.split("\n").forEach((text, index) => {
    const trimmed = text.trim();
    if (trimmed === "") return;
    const score = trimmed === probe ? 1 : similarity(probeGrams, probeSize, trimmed);
    if (best === undefined || score > best.score) best = { line: index + 1, text, score };
  });
  if (best === undefined || best.score < 0.4) return undefined;
  const text = best.text.length > 200 ? `${best.text.slice(0, 200)}…` : best.text;
  return { line: best.line, text };
}
