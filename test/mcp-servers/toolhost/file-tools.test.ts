// read_file, write_file and list_files on real temp directories: happy paths, caps with their notices,
// binary and directory refusals, atomic writes that create parents, trees with types, sizes and skips.
import { mkdir, readdir, readFile, stat, symlink, writeFile } from "node:fs/promises";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type InProcessToolhost, makeSandbox, type Sandbox, startInProcess } from "./toolhost-harness.js";

let sandbox: Sandbox;
let host: InProcessToolhost;
const at = (...parts: string[]): string => path.join(sandbox.workspace, ...parts);

beforeEach(async () => {
  sandbox = await makeSandbox();
  host = await startInProcess(sandbox.workspace);
});

afterEach(async () => {
  await host.close();
  await sandbox.remove();
});

const numbered = (count: number): string =>
  Array.from({ length: count }, (_, i) => `line ${i + 1}`).join("\n");

describe("read_file", () => {
  it("returns a small text file whole, without line terminators at the end", async () => {
    await writeFile(at("a.txt"), "one\r\ntwo\r\n");
    expect(await host.call("read_file", { path: "a.txt" })).toEqual({ text: "one\ntwo", isError: false });
  });

  it("reads a window by 1-based offset and limit and says where to continue", async () => {
    await writeFile(at("n.txt"), `${numbered(10)}\n`);
    const result = await host.call("read_file", { path: "n.txt", offset: 3, limit: 2 });
    expect(result.text).toBe("line 3\nline 4\n\n[Showing lines 3-4 of 10. Use offset=5 to continue.]");
    const tail = await host.call("read_file", { path: "n.txt", offset: 9, limit: 5 });
    expect(tail.text).toBe("line 9\nline 10");
  });

  it("caps output at 2000 lines with the next offset", async () => {
    await writeFile(at("long.txt"), numbered(2500));
    const result = await host.call("read_file", { path: "long.txt" });
    expect(result.text.split("\n").slice(0, 2000).at(-1)).toBe("line 2000");
    expect(result.text).toMatch(/\[Showing lines 1-2000 of 2500\. Use offset=2001 to continue\.\]$/);
  });

  it("caps output at 48 KB with the next offset, within the result budget", async () => {
    const wide = Array.from({ length: 1000 }, (_, i) => `${i + 1}:${"x".repeat(200)}`).join("\n");
    await writeFile(at("wide.txt"), wide);
    const result = await host.call("read_file", { path: "wide.txt" });
    expect(Buffer.byteLength(result.text)).toBeLessThanOrEqual(50_000);
    expect(result.text).toMatch(/\[Showing lines 1-(\d+) of 1000\. Use offset=(\d+) to continue\.\]$/);
  });

  it("cuts a single line longer than 48 KB and says how to see the rest", async () => {
    await writeFile(at("one-line.txt"), "y".repeat(200_000));
    const result = await host.call("read_file", { path: "one-line.txt" });
    expect(result.text).toContain("Line 1 is longer than 48 KB and was cut");
    expect(result.text).toContain("cut -b 49153-");
    expect(result.text.length).toBeLessThanOrEqual(50_000);
  });

  it("refuses an offset past the end with the line count", async () => {
    await writeFile(at("s.txt"), "a\nb\n");
    expect(await host.call("read_file", { path: "s.txt", offset: 5 })).toEqual({
      text: "offset 5 is past the end of s.txt (2 lines); use a smaller offset.",
      isError: true,
    });
  });

  it("refuses binary files with their type and size", async () => {
    const png = Buffer.concat([
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
      Buffer.alloc(100),
    ]);
    await writeFile(at("pic.png"), png);
    const result = await host.call("read_file", { path: "pic.png" });
    expect(result.isError).toBe(true);
    expect(result.text).toContain("pic.png is a binary file (png image, 108 B)");
    await writeFile(at("latin1.txt"), Buffer.from([0x63, 0x61, 0x66, 0xe9, 0x20, 0x6f, 0x6b]));
    expect((await host.call("read_file", { path: "latin1.txt" })).text).toContain(
      "binary file (binary, 7 B)",
    );
  });

  it("refuses a directory with a hint to use list_files, and names a missing file", async () => {
    await mkdir(at("dir"));
    expect((await host.call("read_file", { path: "dir" })).text).toBe(
      "dir is a directory; use list_files to see it.",
    );
    expect((await host.call("read_file", { path: "nope.txt" })).text).toBe(
      "nope.txt does not exist; use list_files to see what does.",
    );
  });

  it("says when a file is empty", async () => {
    await writeFile(at("empty.txt"), "");
    expect(await host.call("read_file", { path: "empty.txt" })).toEqual({
      text: "(empty.txt is empty)",
      isError: false,
    });
  });

  it("rejects malformed arguments as a tool error, not a crash", async () => {
    const result = await host.call("read_file", { path: "a.txt", offset: 0 });
    expect(result.isError).toBe(true);
    expect(result.text).toContain("Invalid arguments for tool read_file");
  });
});

describe("write_file", () => {
  it("creates parent directories and reports the bytes written", async () => {
    const result = await host.call("write_file", { path: "deep/er/file.txt", content: "héllo\n" });
    expect(result).toEqual({ text: "Created deep/er/file.txt: 7 bytes written.", isError: false });
    expect(await readFile(at("deep", "er", "file.txt"), "utf8")).toBe("héllo\n");
  });

  it("overwrites atomically, keeps the file mode and leaves no temp file behind", async () => {
    await writeFile(at("run.sh"), "old", { mode: 0o755 });
    const result = await host.call("write_file", { path: "run.sh", content: "#!/bin/sh\necho new\n" });
    expect(result.text).toBe("Overwrote run.sh: 19 bytes written.");
    expect(await readFile(at("run.sh"), "utf8")).toBe("#!/bin/sh\necho new\n");
    expect((await stat(at("run.sh"))).mode & 0o777).toBe(0o755);
    expect(await readdir(sandbox.workspace)).toEqual(["run.sh"]);
  });

  it("refuses to replace a directory or the workspace root", async () => {
    await mkdir(at("dir"));
    expect((await host.call("write_file", { path: "dir", content: "x" })).text).toBe(
      "dir is a directory; choose a file path inside it.",
    );
    expect((await host.call("write_file", { path: ".", content: "x" })).text).toBe(
      ". is the workspace root; give a file path.",
    );
  });

  it("refuses a path under an existing file", async () => {
    await writeFile(at("file.txt"), "x");
    const result = await host.call("write_file", { path: "file.txt/child.txt", content: "x" });
    expect(result).toEqual({ text: "A parent of file.txt/child.txt is not a directory.", isError: true });
  });
});

describe("list_files", () => {
  beforeEach(async () => {
    await mkdir(at("src", "lib", "deep", "deeper"), { recursive: true });
    await writeFile(at("src", "main.ts"), "x".repeat(2048));
    await writeFile(at("src", "lib", "util.ts"), "abc");
    await writeFile(at("src", "lib", "deep", "deeper", "bottom.ts"), "");
    await writeFile(at("README.md"), "# hi\n");
    await mkdir(at(".git", "objects"), { recursive: true });
    await mkdir(at("node_modules", "pkg"), { recursive: true });
    await symlink("src/main.ts", at("entry"));
  });

  it("lists one level with types and sizes, directories first", async () => {
    const result = await host.call("list_files", {});
    expect(result.text).toBe(
      ["./", ".git/", "node_modules/", "src/", "README.md (5 B)", "entry -> src/main.ts (symlink)"].join(
        "\n",
      ),
    );
  });

  it("lists recursively to max_depth, skipping .git and node_modules contents with a note", async () => {
    const result = await host.call("list_files", { recursive: true, max_depth: 2 });
    expect(result.text).toBe(
      [
        "./",
        ".git/ (contents not listed; list it by path)",
        "node_modules/ (contents not listed; list it by path)",
        "src/",
        "  lib/",
        "  main.ts (2.0 KB)",
        "README.md (5 B)",
        "entry -> src/main.ts (symlink)",
      ].join("\n"),
    );
  });

  it("lists node_modules when asked for by path", async () => {
    expect((await host.call("list_files", { path: "node_modules" })).text).toBe("node_modules/\npkg/");
  });

  it("rejects a max_depth over the bound", async () => {
    const result = await host.call("list_files", { recursive: true, max_depth: 50 });
    expect(result.isError).toBe(true);
    expect(result.text).toContain("Invalid arguments for tool list_files");
  });

  it("cuts a huge listing at 1000 entries with a note", async () => {
    await mkdir(at("many"));
    await Promise.all(Array.from({ length: 1200 }, (_, i) => writeFile(at("many", `f${i}.txt`), "")));
    const result = await host.call("list_files", { path: "many" });
    const lines = result.text.split("\n");
    expect(lines.filter((line) => line.startsWith("f"))).toHaveLength(1000);
    expect(lines.at(-1)).toBe("[Listing cut at 1000 entries; list a subdirectory or lower max_depth.]");
  });

  it("refuses a file path with a hint, and says when a directory is empty", async () => {
    expect((await host.call("list_files", { path: "README.md" })).text).toBe(
      "README.md is not a directory; use read_file on it.",
    );
    await mkdir(at("empty"));
    expect((await host.call("list_files", { path: "empty" })).text).toBe("empty/ is empty.");
  });
});
