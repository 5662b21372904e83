// Loading dynamic-tools/ from disk: tools survive a toolhost restart, appear and disappear as their folders
// do, a broken tool is reported with its reason without breaking the others, and edits apply by the next call.
import { mkdir, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { sha256Of, writeToolFolder } from "../../../mcp-servers/toolhost/src/dynamic/tool-files.js";
import {
  type DynamicDirs,
  type DynamicHost,
  makeDirs,
  PATH_SCHEMA,
  startHost,
  WORD_COUNT_CODE,
} from "./dynamic-harness.js";

let dirs: DynamicDirs;
const hosts: DynamicHost[] = [];

beforeEach(async () => {
  dirs = await makeDirs();
});
afterEach(async () => {
  for (const host of hosts.splice(0)) await host.close();
  await dirs.remove();
});

async function start(): Promise<DynamicHost> {
  const host = await startHost(dirs);
  hosts.push(host);
  return host;
}

/** Writes a tool folder the way create_tool does, but behind the toolhost's back. */
async function writeTool(name: string, code: string, parameters: Record<string, unknown> = PATH_SCHEMA) {
  await writeToolFolder(
    dirs.toolsDir,
    {
      name,
      description: `Hand-written ${name}.`,
      parameters,
      sha256: sha256Of(code),
      createdAt: new Date().toISOString(),
    },
    code,
  );
}

describe("dynamic tools on disk", () => {
  it("survive a restart of the toolhost: a new one loads them from the folder", async () => {
    const first = await start();
    await first.create({ name: "word_count", code: WORD_COUNT_CODE });
    await first.close();
    hosts.splice(0);

    const second = await start();
    expect(await second.toolNames()).toContain("word_count");
    expect((await second.call("word_count", { path: "words.txt" })).text).toBe("7 words in words.txt");
  });

  it("creates the folder when it does not exist yet", async () => {
    const host = await start();
    expect(await host.status()).toEqual({ loaded: [], problems: [] });
    expect((await host.create({ name: "first_tool", code: WORD_COUNT_CODE })).isError).toBe(false);
  });

  it("hot-loads a tool folder that appears, announces it, and drops it when the folder goes", async () => {
    const host = await start();
    const changes = host.listChanged();
    await writeTool("dropped_in", "export default async () => 'hot';");
    await expect.poll(() => host.toolNames(), { timeout: 15_000, interval: 100 }).toContain("dropped_in");
    expect(host.listChanged()).toBeGreaterThan(changes);
    expect((await host.call("dropped_in", { path: "x" })).text).toBe("hot");

    await rm(path.join(dirs.toolsDir, "dropped_in"), { recursive: true });
    await expect.poll(() => host.toolNames(), { timeout: 15_000, interval: 100 }).not.toContain("dropped_in");
  });

  it("lists a tool that fails to load with the reason, and still loads the others", async () => {
    await writeTool("good_tool", "export default async () => 'fine';");
    await writeTool("bad_syntax", "export default async () => {\n  return (;\n};");
    await writeTool("read_file", "export default async () => 'shadow';");
    await mkdir(path.join(dirs.toolsDir, "no_manifest"));
    await writeTool("bad_manifest", "export default async () => 1;");
    await writeFile(path.join(dirs.toolsDir, "bad_manifest", "tool.json"), "{ nope");
    await writeTool("bad_params", "export default async () => 1;", {
      type: "object",
      properties: { a: { type: 7 } },
    });

    const host = await start();
    const status = await host.status();
    expect(status.loaded).toEqual(["good_tool"]);
    const reasons = Object.fromEntries(status.problems.map((problem) => [problem.name, problem.reason]));
    expect(Object.keys(reasons).sort()).toEqual([
      "bad_manifest",
      "bad_params",
      "bad_syntax",
      "no_manifest",
      "read_file",
    ]);
    expect(reasons.bad_syntax).toContain("Syntax error in the code: line 2");
    expect(reasons.read_file).toContain("is a built-in tool");
    expect(reasons.no_manifest).toBe("tool.json is missing");
    expect(reasons.bad_manifest).toContain("tool.json is not valid JSON");
    expect(reasons.bad_params).toContain("parameters is not a valid JSON Schema");
    expect((await host.call("good_tool", { path: "x" })).text).toBe("fine");
    expect((await host.call("read_file", { path: "words.txt" })).text).toContain("quick brown fox");
  });

  it("refuses code that no longer matches the sha256 in tool.json, saying how to fix it", async () => {
    const host = await start();
    await host.create({ name: "pinned", code: WORD_COUNT_CODE });
    const tampered = "export default async () => 'tampered';";
    await writeFile(path.join(dirs.toolsDir, "pinned", "index.ts"), tampered);
    const result = await host.call("pinned", { path: "words.txt" });
    expect(result.isError).toBe(true);
    expect(result.text).not.toContain("tampered");
    const status = await host.status();
    expect(status.loaded).not.toContain("pinned");
    expect(status.problems).toEqual([
      {
        name: "pinned",
        reason: expect.stringContaining(`index.ts has sha256 ${sha256Of(tampered)} but tool.json records`),
      },
    ]);
  });

  it("runs the new code on the next call after the files changed on disk", async () => {
    const host = await start();
    await host.create({ name: "evolving", code: "export default async () => 'one';" });
    expect((await host.call("evolving", { path: "x" })).text).toBe("one");
    await writeTool("evolving", "export default async () => 'two';");
    expect((await host.call("evolving", { path: "x" })).text).toBe("two");
  });

  it("loads a tool again once its folder is fixed, when the status is read (as /reload does)", async () => {
    await writeTool("fixable", "export default async () => {");
    const host = await start();
    expect((await host.status()).problems.map((problem) => problem.name)).toEqual(["fixable"]);
    await writeTool("fixable", "export default async () => 'fixed';");
    const status = await host.status();
    expect(status).toEqual({ loaded: ["fixable"], problems: [] });
    expect(await host.toolNames()).toContain("fixable");
  });
});
