// unifiedDiff (jsdiff under the toolhost's format): a patch that applies, three lines of context, no end-of-file
// markers for a final newline, and a bounded answer when there are too many changes to diff exactly.
import { applyPatch } from "diff";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { unifiedDiff } from "../../../mcp-servers/toolhost/src/text-diff.js";

const withNewline = (text: string) => (text.endsWith("\n") ? text : `${text}\n`);

describe("unifiedDiff", () => {
  it("is a unified diff that turns before into after when applied", () => {
    const line = fc.constantFrom("a", "b", "c", "", "  d", "e;");
    const text = fc
      .tuple(fc.array(line, { maxLength: 40 }), fc.boolean())
      .map(([lines, newline]) => lines.join("\n") + (newline ? "\n" : ""));
    fc.assert(
      fc.property(text, text, (before, after) => {
        const diff = unifiedDiff("f.txt", before, after, 10_000);
        expect(applyPatch(withNewline(before), diff)).toBe(withNewline(after));
      }),
      { numRuns: 300 },
    );
  });

  it("shows one change with three lines of context under a/ and b/ headers", () => {
    const before = ["1", "2", "3", "4", "5", "6", "7", "8", "9"].join("\n");
    const after = before.replace("5", "five");
    expect(unifiedDiff("src/n.txt", before, after)).toBe(
      [
        "--- a/src/n.txt",
        "+++ b/src/n.txt",
        "@@ -2,7 +2,7 @@",
        " 2",
        " 3",
        " 4",
        "-5",
        "+five",
        " 6",
        " 7",
        " 8",
      ].join("\n"),
    );
  });

  it("treats a missing final newline as no change and never prints an end-of-file marker", () => {
    expect(unifiedDiff("f", "a\nb", "a\nb\n")).toBe("--- a/f\n+++ b/f");
    expect(unifiedDiff("f", "a\nb", "a\nc")).not.toContain("No newline");
  });

  it("says there are too many changes instead of diffing past 1000 differing lines", () => {
    const before = Array.from({ length: 1200 }, (_, i) => `old ${i}`).join("\n");
    const after = Array.from({ length: 1100 }, (_, i) => `new ${i}`).join("\n");
    expect(unifiedDiff("big.txt", before, after)).toBe(
      "--- a/big.txt\n+++ b/big.txt\n@@ too many changes to show: 1200 lines before, 1100 after @@",
    );
  });
});
