// The unified diff edit_file shows (and skills' ctx.diff and dry runs, through the package index): jsdiff's
// hunks with three lines of context under plain `--- a/` / `+++ b/` headers, bounded in length.
import { structuredPatch } from "diff";

const CONTEXT = 3;
// Past this many differing lines the exact diff costs too much: the diff says so instead.
const MAX_EDIT_LENGTH = 1000;

// A final newline ends the last line; it does not start an empty one. Both sides end with one, so a change
// of the final newline alone is no change and no "\ No newline at end of file" marker appears.
function withFinalNewline(text: string): string {
  return text.endsWith("\n") ? text : `${text}\n`;
}

/** A unified diff of `before` → `after` (LF line endings) for `path`, at most `maxLines` lines long. Never throws. */
export function unifiedDiff(path: string, before: string, after: string, maxLines = 80): string {
  const out = [`--- a/${path}`, `+++ b/${path}`];
  const patch = structuredPatch(
    path,
    path,
    withFinalNewline(before),
    withFinalNewline(after),
    undefined,
    undefined,
    {
      context: CONTEXT,
      maxEditLength: MAX_EDIT_LENGTH,
    },
  );
  if (patch === undefined) {
    const lines = (text: string) => text.split("\n").length;
    out.push(`@@ too many changes to show: ${lines(before)} lines before, ${lines(after)} after @@`);
  } else {
    for (const hunk of patch.hunks) {
      out.push(`@@ -${hunk.oldStart},${hunk.oldLines} +${hunk.newStart},${hunk.newLines} @@`, ...hunk.lines);
    }
  }
  if (out.length <= maxLines) return out.join("\n");
  return `${out.slice(0, maxLines).join("\n")}\n… (diff cut: ${out.length - maxLines} more lines; read_file to see the result)`;
}
