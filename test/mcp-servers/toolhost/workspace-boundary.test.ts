// The workspace boundary: every escape route the issue lists is refused with a message naming the path and
// the rule, through the real tools on real temp directories; a property test checks every accepted path.
import { execFileSync } from "node:child_process";
import { link, mkdir, readFile, symlink, writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:net";
import path from "node:path";
import fc from "fast-check";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { Workspace } from "../../../mcp-servers/toolhost/src/workspace.js";
import { WorkspaceError } from "../../../mcp-servers/toolhost/src/workspace-error.js";
import { isInside } from "../../../mcp-servers/toolhost/src/workspace-path.js";
import { type InProcessToolhost, makeSandbox, type Sandbox, startInProcess } from "./toolhost-harness.js";

const SECRET = "TOP-SECRET-OUTSIDE-7f3a";

let sandbox: Sandbox;
let host: InProcessToolhost;
let servers: Server[] = [];

beforeEach(async () => {
  sandbox = await makeSandbox();
  await writeFile(path.join(sandbox.outside, "secret.txt"), SECRET);
  await writeFile(path.join(sandbox.sibling, "secret.txt"), SECRET);
  await writeFile(path.join(sandbox.workspace, "inside.txt"), "inside\n");
  await mkdir(path.join(sandbox.workspace, "src"));
  await writeFile(path.join(sandbox.workspace, "src", "main.ts"), "export {};\n");
  await symlink(path.join(sandbox.outside, "secret.txt"), path.join(sandbox.workspace, "leaf-out"));
  await symlink(sandbox.outside, path.join(sandbox.workspace, "dir-out"));
  await symlink("src/main.ts", path.join(sandbox.workspace, "leaf-in"));
  await symlink("src", path.join(sandbox.workspace, "dir-in"));
  host = await startInProcess(sandbox.workspace);
});

afterEach(async () => {
  await host.close();
  for (const server of servers) server.close();
  servers = [];
  await sandbox.remove();
});

describe("escape attempts are refused with the path and the rule", () => {
  const cases: Array<{ name: string; path: (s: Sandbox) => string; says: RegExp }> = [
    { name: ".. escape", path: () => "../outside/secret.txt", says: /escapes the workspace with "\.\."/ },
    { name: "deep .. escape", path: () => "src/../../outside/secret.txt", says: /escapes the workspace/ },
    {
      name: "absolute path outside",
      path: (s) => path.join(s.outside, "secret.txt"),
      says: /outside the workspace/,
    },
    { name: "/etc/passwd", path: () => "/etc/passwd", says: /outside the workspace/ },
    {
      name: "sibling prefix",
      path: (s) => path.join(s.sibling, "secret.txt"),
      says: /outside the workspace/,
    },
    { name: "sibling via ..", path: () => "../ws2/secret.txt", says: /escapes the workspace/ },
    { name: "NUL byte", path: () => "inside.txt\u0000.png", says: /NUL or control character/ },
    { name: "newline", path: () => "inside\n.txt", says: /NUL or control character/ },
    { name: "leaf symlink outside", path: () => "leaf-out", says: /symlink .*outside the workspace/ },
    {
      name: "parent symlink outside",
      path: () => "dir-out/secret.txt",
      says: /symlink .*outside the workspace/,
    },
    {
      name: "agent config",
      path: () => ".agent/config.json",
      says: /only \.agent\/logs\/ .* and \.agent\/artifacts\/ .* are readable/,
    },
    { name: "keystore", path: () => "data/keys.enc", says: /keystore file \(keys\.enc\)/ },
  ];

  for (const attempt of cases) {
    it(`read_file refuses ${attempt.name} and never returns the secret`, async () => {
      const input = attempt.path(sandbox);
      const result = await host.call("read_file", { path: input });
      expect(result.isError).toBe(true);
      expect(result.text).toMatch(attempt.says);
      expect(result.text).not.toContain(SECRET);
    });
  }

  for (const attempt of cases.filter((c) => !c.name.startsWith("agent"))) {
    it(`write_file refuses ${attempt.name} and leaves outside files alone`, async () => {
      const result = await host.call("write_file", { path: attempt.path(sandbox), content: "pwned" });
      expect(result.isError).toBe(true);
      expect(result.text).toMatch(attempt.says);
      expect(await readFile(path.join(sandbox.outside, "secret.txt"), "utf8")).toBe(SECRET);
      expect(await readFile(path.join(sandbox.sibling, "secret.txt"), "utf8")).toBe(SECRET);
    });
  }

  it("list_files refuses a symlinked directory that points outside", async () => {
    const result = await host.call("list_files", { path: "dir-out" });
    expect(result.isError).toBe(true);
    expect(result.text).toMatch(/dir-out resolves through a symlink .* outside the workspace/);
    expect(result.text).not.toContain("secret.txt");
  });

  it("writes under .agent/ are refused, reads only under .agent/logs/", async () => {
    await mkdir(path.join(sandbox.workspace, ".agent", "logs"), { recursive: true });
    await writeFile(path.join(sandbox.workspace, ".agent", "logs", "x.log"), "log line\n");
    expect((await host.call("write_file", { path: ".agent/logs/x.log", content: "y" })).text).toMatch(
      /under \.agent\/, which holds the agent's own files/,
    );
    expect(await host.call("read_file", { path: ".agent/logs/x.log" })).toEqual({
      text: "log line",
      isError: false,
    });
    expect((await host.call("list_files", { path: ".agent" })).isError).toBe(true);
  });

  it("a symlink inside the workspace that points at .agent/ is refused too", async () => {
    await mkdir(path.join(sandbox.workspace, ".agent"));
    await writeFile(path.join(sandbox.workspace, ".agent", "config.json"), "{}");
    await symlink(".agent/config.json", path.join(sandbox.workspace, "innocent.json"));
    const result = await host.call("read_file", { path: "innocent.json" });
    expect(result).toMatchObject({ isError: true });
    expect(result.text).toMatch(/innocent\.json is under \.agent\//);
  });

  it("a FIFO is refused without blocking", async () => {
    execFileSync("mkfifo", [path.join(sandbox.workspace, "pipe")]);
    const read = await host.call("read_file", { path: "pipe" });
    expect(read.text).toBe("pipe is a FIFO (named pipe); refused.");
    const write = await host.call("write_file", { path: "pipe", content: "x" });
    expect(write.text).toBe("pipe is a FIFO (named pipe); refused.");
    const listing = await host.call("list_files", {});
    expect(listing.text).toContain("pipe (fifo)");
  });

  it("a socket is refused like any special file", async () => {
    const socketPath = path.join(sandbox.workspace, "sock");
    const server = createServer();
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(socketPath, resolve));
    const read = await host.call("read_file", { path: "sock" });
    expect(read).toEqual({ text: "sock is a socket; refused.", isError: true });
  });

  it("a write through a file with another hard link (outside) is refused and the outside file is unchanged", async () => {
    await link(path.join(sandbox.outside, "secret.txt"), path.join(sandbox.workspace, "hard.txt"));
    const write = await host.call("write_file", { path: "hard.txt", content: "overwritten" });
    expect(write.isError).toBe(true);
    expect(write.text).toMatch(/hard\.txt has 2 hard links/);
    const edit = await host.call("edit_file", { path: "hard.txt", old_text: "TOP", new_text: "BOTTOM" });
    expect(edit.text).toMatch(/hard links/);
    expect(await readFile(path.join(sandbox.outside, "secret.txt"), "utf8")).toBe(SECRET);
  });

  it("symlinks that stay inside the workspace work for reading and writing through", async () => {
    expect(await host.call("read_file", { path: "leaf-in" })).toEqual({ text: "export {};", isError: false });
    expect(await host.call("read_file", { path: "dir-in/main.ts" })).toEqual({
      text: "export {};",
      isError: false,
    });
    const write = await host.call("write_file", { path: "leaf-in", content: "export const a = 1;\n" });
    expect(write.text).toContain("Overwrote src/main.ts");
    expect(await readFile(path.join(sandbox.workspace, "src", "main.ts"), "utf8")).toBe(
      "export const a = 1;\n",
    );
  });

  it("absolute paths inside the workspace are accepted", async () => {
    const result = await host.call("read_file", { path: path.join(sandbox.workspace, "inside.txt") });
    expect(result).toEqual({ text: "inside", isError: false });
  });
});

describe("every accepted path resolves inside the root (property)", () => {
  const segment = fc.constantFrom(
    "..",
    ".",
    "",
    "src",
    "main.ts",
    "inside.txt",
    "leaf-out",
    "dir-out",
    "leaf-in",
    "dir-in",
    "ws2",
    "outside",
    "secret.txt",
    "missing",
    ".agent",
    "logs",
  );

  it("resolveExisting never returns a path outside the real root", async () => {
    const workspace = await Workspace.open(sandbox.workspace);
    await fc.assert(
      fc.asyncProperty(
        fc.array(segment, { minLength: 1, maxLength: 7 }),
        fc.constantFrom("", sandbox.workspace + path.sep, sandbox.root + path.sep, "/"),
        async (segments, prefix) => {
          const input = prefix + segments.join("/");
          try {
            const real = await workspace.resolveExisting(input, "read");
            expect(isInside(workspace.root, real)).toBe(true);
          } catch (error) {
            expect(WorkspaceError.isInstance(error)).toBe(true);
          }
        },
      ),
      { numRuns: 400 },
    );
  });

  it("read_file never returns the outside secret for any generated path", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(segment, { minLength: 1, maxLength: 6 }), async (segments) => {
        const result = await host.call("read_file", { path: segments.join("/") });
        expect(result.text).not.toContain(SECRET);
      }),
      { numRuns: 200 },
    );
  });
});
