// The unified diff skills show (ctx.diff, a dry run's planned changes): jsdiff's hunks with three lines of
// context under plain `--- a/` / `+++ b/` headers, cut to a bounded number of lines.
import { structuredPatch } from "diff";

const CONTEXT = 3;
// Past this many differing lines the exact diff costs too much: the diff says so instead.
const MAX_EDIT_LENGTH = 1000;

/** A unified diff of `before` → `after` for `path`, at most `maxLines` lines long. Never throws. */
export function unifiedDiff(path: string, before: string, after: string, maxLines = 80): string {
  const out = [`--- a/${path}`, `+++ b/${path}`];
  const patch = structuredPatch(path, path, before, after, undefined, undefined, {
    context: CONTEXT,
    maxEditLength: MAX_EDIT_LENGTH,
  });
  if (patch === undefined) {
    const lines = (text: string) => text.split("\n").length;
    out.push(`@@ too many changes to show: ${lines(before)} lines before, ${lines(after)} after @@`);
    return out.join("\n");
  }
  for (const hunk of patch.hunks) {
    out.push(`@@ -${hunk.oldStart},${hunk.oldLines} +${hunk.newStart},${hunk.newLines} @@`, ...hunk.lines);
  }
  if (out.length <= maxLines) return out.join("\n");
  return `${out.slice(0, maxLines).join("\n")}\n… (diff cut: ${out.length - maxLines} more lines; read_file to see the result)`;
}
