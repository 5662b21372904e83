// edit_file on real files: exact single and replace_all edits with a unified diff, BOM and CRLF preserved,
// and every refusal (no match with the nearest line, several matches with line numbers, no-op, binary).
import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { unifiedDiff } from "../../../mcp-servers/toolhost/src/text-diff.js";
import { type InProcessToolhost, makeSandbox, type Sandbox, startInProcess } from "./toolhost-harness.js";

let sandbox: Sandbox;
let host: InProcessToolhost;
const at = (name: string): string => path.join(sandbox.workspace, name);

beforeEach(async () => {
  sandbox = await makeSandbox();
  host = await startInProcess(sandbox.workspace);
});

afterEach(async () => {
  await host.close();
  await sandbox.remove();
});

const SOURCE = ["function add(a, b) {", "  return a + b;", "}", "", "const total = add(1, 2);", ""].join(
  "\n",
);

describe("edit_file", () => {
  it("replaces one exact match and returns a unified diff", async () => {
    await writeFile(at("math.js"), SOURCE);
    const result = await host.call("edit_file", {
      path: "math.js",
      old_text: "  return a + b;",
      new_text: "  return a + b + 0;",
    });
    expect(result).toEqual({
      isError: false,
      text: [
        "Edited math.js: 1 replacement.",
        "--- a/math.js",
        "+++ b/math.js",
        "@@ -1,5 +1,5 @@",
        " function add(a, b) {",
        "-  return a + b;",
        "+  return a + b + 0;",
        " }",
        " ",
        " const total = add(1, 2);",
      ].join("\n"),
    });
    expect(await readFile(at("math.js"), "utf8")).toBe(SOURCE.replace("a + b;", "a + b + 0;"));
  });

  it("refuses several matches with the count and line numbers, then replaces all with replace_all", async () => {
    await writeFile(at("x.txt"), "foo\nbar\nfoo\nbaz\nfoo\n");
    const refused = await host.call("edit_file", { path: "x.txt", old_text: "foo", new_text: "qux" });
    expect(refused).toEqual({
      isError: true,
      text: "old_text matches 3 times in x.txt (lines 1, 3, 5); add surrounding lines to make it unique, or set replace_all: true.",
    });
    const all = await host.call("edit_file", {
      path: "x.txt",
      old_text: "foo",
      new_text: "qux",
      replace_all: true,
    });
    expect(all.text).toMatch(/^Edited x\.txt: 3 replacements\./);
    expect(await readFile(at("x.txt"), "utf8")).toBe("qux\nbar\nqux\nbaz\nqux\n");
  });

  it("quotes the nearest line when old_text is not found", async () => {
    await writeFile(at("math.js"), SOURCE);
    const result = await host.call("edit_file", { path: "math.js", old_text: "return a+b;", new_text: "x" });
    expect(result).toEqual({
      isError: true,
      text: 'old_text was not found in math.js. Nearest line 2: "  return a + b;". Check whitespace and indentation, or read_file that region first.',
    });
  });

  it("refuses no-op and empty edits", async () => {
    await writeFile(at("a.txt"), "same\n");
    expect((await host.call("edit_file", { path: "a.txt", old_text: "same", new_text: "same" })).text).toBe(
      "old_text and new_text are identical; nothing to change.",
    );
    expect((await host.call("edit_file", { path: "a.txt", old_text: "", new_text: "x" })).text).toBe(
      "old_text is empty; to create or overwrite a whole file use write_file.",
    );
  });

  it("preserves CRLF line endings and a UTF-8 BOM, matching old_text written with LF", async () => {
    await writeFile(at("win.txt"), "\uFEFFfirst\r\nsecond\r\nthird\r\n");
    const result = await host.call("edit_file", {
      path: "win.txt",
      old_text: "first\nsecond",
      new_text: "1st\n2nd",
    });
    expect(result.isError).toBe(false);
    expect(await readFile(at("win.txt"), "utf8")).toBe("\uFEFF1st\r\n2nd\r\nthird\r\n");
  });

  it("refuses binary files and missing files", async () => {
    await writeFile(at("bin"), Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 1, 2]));
    expect((await host.call("edit_file", { path: "bin", old_text: "E", new_text: "F" })).text).toBe(
      "bin is a binary file (ELF executable, 7 B); edit_file only edits text.",
    );
    expect((await host.call("edit_file", { path: "none.txt", old_text: "a", new_text: "b" })).text).toBe(
      "none.txt does not exist; use list_files to see what does.",
    );
  });
});

describe("unifiedDiff", () => {
  it("keeps far-apart changes in separate hunks and bounds its length", () => {
    const before = Array.from({ length: 40 }, (_, i) => `l${i}`).join("\n");
    const after = before.replace("l2\n", "L2\n").replace("l30", "L30");
    const diff = unifiedDiff("f", before, after);
    expect(diff.match(/^@@/gm)).toHaveLength(2);
    const huge = unifiedDiff("f", before, before.toUpperCase(), 20);
    expect(huge.split("\n")).toHaveLength(21);
    expect(huge).toMatch(/diff cut: \d+ more lines/);
  });
});
