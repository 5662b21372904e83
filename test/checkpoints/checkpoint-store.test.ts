// Checkpoints in a shadow git repository, over real temp workspaces: what changed since a checkpoint and
// putting it back, never touching the user's own git, respecting .gitignore, and what is left out (folders of
// dependencies, big files, nested repositories, workspaces too large), said rather than hidden.
import { execFileSync } from "node:child_process";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  truncateSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { CheckpointStore, MAX_FILE_BYTES } from "../../agent/src/checkpoints/checkpoint-store.js";

function setup(files: Record<string, string> = {}) {
  const workspace = mkdtempSync(join(tmpdir(), "cp-ws-"));
  const dataDir = mkdtempSync(join(tmpdir(), "cp-data-"));
  for (const [path, content] of Object.entries(files)) write(workspace, path, content);
  const store = CheckpointStore.forWorkspace({ dataDir, workspace, sessionId: "s1" });
  return { workspace, dataDir, store };
}

function write(root: string, path: string, content: string): void {
  mkdirSync(join(root, path, ".."), { recursive: true });
  writeFileSync(join(root, path), content);
}

const read = (root: string, path: string) => readFileSync(join(root, path), "utf8");
const git = (cwd: string, ...args: string[]) =>
  execFileSync("git", ["-c", "user.name=u", "-c", "user.email=u@x", ...args], { cwd, encoding: "utf8" });

describe("checkpoints", () => {
  it("lists what changed since a checkpoint and puts the workspace back, removing what was added", async () => {
    const { workspace, store } = setup({ "a.txt": "one\n", "src/b.ts": "b\n", "gone.txt": "bye\n" });
    const checkpoint = await store.snapshot("turn 1");
    expect(checkpoint).toMatch(/^[0-9a-f]{40}$/);
    write(workspace, "a.txt", "two\n");
    write(workspace, "new/deep/c.txt", "c\n");
    rmSync(join(workspace, "gone.txt"));
    const changes = await store.changesSince(checkpoint ?? "");
    expect(changes).toEqual({ added: ["new/deep/c.txt"], changed: ["a.txt"], deleted: ["gone.txt"] });
    const { replaced } = await store.restore(checkpoint ?? "");
    expect(read(workspace, "a.txt")).toBe("one\n");
    expect(read(workspace, "gone.txt")).toBe("bye\n");
    expect(existsSync(join(workspace, "new"))).toBe(false);
    expect(await store.changesSince(checkpoint ?? "")).toEqual({ added: [], changed: [], deleted: [] });
    // What the restore replaced is kept: it can be put back in turn.
    await store.restore(replaced);
    expect(read(workspace, "a.txt")).toBe("two\n");
    expect(read(workspace, "new/deep/c.txt")).toBe("c\n");
  });

  it("reuses the last checkpoint when nothing changed, and diffs two checkpoints", async () => {
    const { workspace, store } = setup({ "a.txt": "one\n" });
    const first = await store.snapshot("turn 1");
    expect(await store.snapshot("turn 2")).toBe(first);
    write(workspace, "b.txt", "b\n");
    const second = await store.snapshot("turn 3");
    expect(second).not.toBe(first);
    expect(await store.changesBetween(first ?? "", second ?? "")).toEqual({
      added: ["b.txt"],
      changed: [],
      deleted: [],
    });
  });

  it("never touches the user's own git repository, and keeps its store outside the workspace", async () => {
    const { workspace, dataDir, store } = setup({ "a.txt": "one\n" });
    git(workspace, "init", "-q");
    git(workspace, "add", "a.txt");
    git(workspace, "commit", "-qm", "user commit");
    const userLog = git(workspace, "log", "--oneline");
    const checkpoint = await store.snapshot("turn 1");
    write(workspace, "a.txt", "changed\n");
    write(workspace, "b.txt", "b\n");
    expect(await store.changesSince(checkpoint ?? "")).toEqual({
      added: ["b.txt"],
      changed: ["a.txt"],
      deleted: [],
    });
    await store.restore(checkpoint ?? "");
    expect(git(workspace, "log", "--oneline")).toBe(userLog);
    expect(git(workspace, "status", "--porcelain")).toBe("");
    expect(store.gitDir.startsWith(join(dataDir, "checkpoints"))).toBe(true);
    expect(readFileSync(join(workspace, ".git", "HEAD"), "utf8")).toMatch(/^ref: refs\/heads\//);
  });

  it("respects .gitignore and skips dependency folders: neither listed nor removed", async () => {
    const { workspace, store } = setup({ ".gitignore": "*.log\n", "a.txt": "a\n" });
    const checkpoint = await store.snapshot("turn 1");
    write(workspace, "debug.log", "noise\n");
    write(workspace, "node_modules/dep/index.js", "dep\n");
    write(workspace, ".venv/lib/x.py", "x\n");
    write(workspace, ".agent/logs/shell-1.log", "log\n");
    expect(await store.changesSince(checkpoint ?? "")).toEqual({ added: [], changed: [], deleted: [] });
    await store.restore(checkpoint ?? "");
    expect(read(workspace, "debug.log")).toBe("noise\n");
    expect(read(workspace, "node_modules/dep/index.js")).toBe("dep\n");
    expect(store.notTracked()).toMatch(/files in \.gitignore; node_modules\/, \.venv\/.*files over 5 MB/);
  });

  it("leaves out files over the size limit and nested repositories, and names them", async () => {
    const { workspace, store } = setup({ "a.txt": "a\n" });
    write(workspace, "big.bin", "");
    truncateSync(join(workspace, "big.bin"), MAX_FILE_BYTES + 1);
    mkdirSync(join(workspace, "vendor", "lib"), { recursive: true });
    git(join(workspace, "vendor", "lib"), "init", "-q");
    write(workspace, "vendor/lib/code.c", "int x;\n");
    const checkpoint = await store.snapshot("turn 1");
    expect(store.state).toEqual({ on: true });
    expect(store.notTracked()).toMatch(
      /files over 5 MB \(big\.bin\).*nested git repositories \(vendor\/lib\/\)/,
    );
    write(workspace, "vendor/lib/code.c", "int y;\n");
    expect(await store.changesSince(checkpoint ?? "")).toEqual({ added: [], changed: [], deleted: [] });
    await store.restore(checkpoint ?? "");
    expect(read(workspace, "vendor/lib/code.c")).toBe("int y;\n");
    expect(existsSync(join(workspace, "big.bin"))).toBe(true);
  });

  it("turns itself off, saying why, for a workspace with too many files", async () => {
    const { workspace, store } = setup();
    for (let d = 0; d < 21; d++) {
      mkdirSync(join(workspace, `d${d}`));
      for (let f = 0; f < 1_000; f++) writeFileSync(join(workspace, `d${d}`, `f${f}`), "");
    }
    expect(await store.snapshot("turn 1")).toBeUndefined();
    expect(store.state).toEqual({
      on: false,
      reason:
        "the workspace has more than 20000 files outside .gitignore (add a .gitignore, or set CHECKPOINTS=false)",
    });
  });

  it("turns itself off, saying why, when git is not installed", async () => {
    const { store } = setup({ "a.txt": "a\n" });
    const path = process.env.PATH;
    process.env.PATH = "/nonexistent";
    try {
      expect(await store.snapshot("turn 1")).toBeUndefined();
    } finally {
      process.env.PATH = path;
    }
    expect(store.state).toEqual({ on: false, reason: "git is not installed" });
  });

  it("keeps two sessions on one workspace apart (each its own index)", async () => {
    const { workspace, dataDir, store } = setup({ "a.txt": "a\n" });
    const other = CheckpointStore.forWorkspace({ dataDir, workspace, sessionId: "s2" });
    const mine = await store.snapshot("turn 1");
    write(workspace, "b.txt", "b\n");
    const theirs = await other.snapshot("turn 1");
    expect(other.gitDir).toBe(store.gitDir);
    expect(await store.changesSince(mine ?? "")).toEqual({ added: ["b.txt"], changed: [], deleted: [] });
    expect(await other.changesSince(theirs ?? "")).toEqual({ added: [], changed: [], deleted: [] });
  });
});
