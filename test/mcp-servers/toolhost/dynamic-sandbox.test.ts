// A dynamic tool runs in a fresh sandboxed node process: no environment, no file access but ctx's (which
// keeps to the workspace), killed at the timeout, capped output, and throws reduced to the tool's own frames.
import { readFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DynamicDirs, type DynamicHost, makeDirs, SECRET, startHost } from "./dynamic-harness.js";
import { liveProcessesWith } from "./toolhost-harness.js";

const NO_ARGS = { type: "object", properties: {} };
const TIMEOUT_SECONDS = 2;

let dirs: DynamicDirs;
let host: DynamicHost;

beforeAll(async () => {
  dirs = await makeDirs();
  host = await startHost(dirs, TIMEOUT_SECONDS);
});
afterAll(async () => {
  await host.close();
  await dirs.remove();
});

/** Creates a tool without arguments from `code` and calls it. */
async function run(name: string, code: string): Promise<{ text: string; isError: boolean }> {
  const created = await host.create({ name, parameters: NO_ARGS, code });
  expect(created).toMatchObject({ isError: false });
  return host.call(name, {});
}

describe("what a dynamic tool can reach", () => {
  it("sees an empty process.env, not the toolhost's (which holds a secret)", async () => {
    const result = await run("show_env", "export default async () => JSON.stringify(process.env);");
    expect(result).toEqual({ text: "{}", isError: false });
  });

  it("cannot read a keystore outside the workspace, nor /data/keys.enc, with node:fs", async () => {
    const code = `
import { readFileSync } from "node:fs";
export default async () => {
  const attempts = {};
  for (const file of [${JSON.stringify(dirs.keystore)}, "/data/keys.enc", "/etc/passwd"]) {
    try { attempts[file] = readFileSync(file, "utf8"); } catch (error) { attempts[file] = error.code; }
  }
  return attempts;
};`;
    const result = await run("read_keys", code);
    expect(result.isError).toBe(false);
    expect(JSON.parse(result.text)).toEqual({
      [dirs.keystore]: "ERR_ACCESS_DENIED",
      "/data/keys.enc": "ERR_ACCESS_DENIED",
      "/etc/passwd": "ERR_ACCESS_DENIED",
    });
    expect(result.text).not.toContain(SECRET);
  });

  it("cannot write files, start processes or workers with node's own modules", async () => {
    const code = `
import { writeFileSync } from "node:fs";
import { execSync } from "node:child_process";
import { Worker } from "node:worker_threads";
export default async () => {
  const out = [];
  const attempt = (what, fn) => { try { fn(); out.push(what + ": allowed"); } catch (error) { out.push(what + ": " + error.code); } };
  attempt("write", () => writeFileSync(${JSON.stringify(path.join(dirs.workspace, "pwned.txt"))}, "x"));
  attempt("spawn", () => execSync("cat " + ${JSON.stringify(dirs.keystore)}));
  attempt("worker", () => new Worker("1", { eval: true }));
  return out.join("\\n");
};`;
    const result = await run("escape_attempts", code);
    expect(result.text).toBe("write: ERR_ACCESS_DENIED\nspawn: ERR_ACCESS_DENIED\nworker: ERR_ACCESS_DENIED");
    await expect(readFile(path.join(dirs.workspace, "pwned.txt"))).rejects.toThrow();
  });

  it("cannot signal other processes: process.kill, its named import and os.setPriority are denied", async () => {
    const code = `
import os from "node:os";
import { kill } from "node:process";
export default async () => {
  const out = [];
  const attempt = (what, fn) => { try { fn(); out.push(what + ": allowed"); } catch (error) { out.push(what + ": " + error.code); } };
  attempt("kill", () => process.kill(process.ppid, 0));
  attempt("named kill", () => kill(process.ppid, 0));
  attempt("raw kill", () => process._kill(process.ppid, 0));
  attempt("builtin kill", () => process.getBuiltinModule?.("node:process").kill(process.ppid, 0));
  attempt("priority", () => os.setPriority(process.ppid, 19));
  attempt("restore", () => { process.kill = () => true; if (process.kill(process.ppid, 0) === true) throw Object.assign(new Error(), { code: "RESTORED" }); });
  return out.join("\\n");
};`;
    const result = await run("signal_attempts", code);
    expect(result.text.split("\n")).toEqual([
      "kill: ERR_ACCESS_DENIED",
      "named kill: ERR_ACCESS_DENIED",
      "raw kill: ERR_ACCESS_DENIED",
      "builtin kill: ERR_ACCESS_DENIED",
      "priority: ERR_ACCESS_DENIED",
      expect.stringMatching(/^restore: (TypeError|undefined)$/),
    ]);
  });

  it("gets nothing outside the workspace through ctx either", async () => {
    const code = `
export default async (args, ctx) => {
  const out = [];
  for (const file of ["../data/keys.enc", ${JSON.stringify(dirs.keystore)}, "/data/keys.enc"]) {
    try { out.push(await ctx.readFile(file)); } catch (error) { out.push("refused: " + error.message); }
  }
  try { await ctx.writeFile("../outside.txt", "x"); out.push("wrote"); } catch (error) { out.push("refused: " + error.message); }
  return out.join("\\n");
};`;
    const result = await run("ctx_escape", code);
    expect(result.text).not.toContain(SECRET);
    expect(result.text).not.toContain("wrote");
    expect(result.text.split("\n").every((line) => line.startsWith("refused: "))).toBe(true);
  });

  it("reads, writes, lists and edits workspace files and runs shell commands through ctx", async () => {
    const code = `
export default async (args, ctx) => {
  await ctx.writeFile("notes/a.txt", "alpha beta");
  await ctx.editFile("notes/a.txt", "beta", "gamma");
  const text = await ctx.readFile("notes/a.txt");
  const entries = await ctx.listFiles("notes");
  const shell = await ctx.shell("wc -w < notes/a.txt");
  return { text, entries, shellOk: shell.ok, shellOutput: shell.output };
};`;
    const result = await run("ctx_roundtrip", code);
    const value = JSON.parse(result.text) as Record<string, unknown>;
    expect(value.text).toBe("alpha gamma");
    expect(value.entries).toEqual([{ name: "a.txt", type: "file", size: 11 }]);
    expect(value.shellOk).toBe(true);
    expect(String(value.shellOutput)).toBe("2\n\n[exit code 0]");
  });
});

describe("failures of a dynamic tool", () => {
  it("turns a throw into an error result with the message and only the tool's own stack frames", async () => {
    const code = [
      "function parse(text: string): number {",
      '  throw new Error("cannot parse " + text);',
      "}",
      "export default async function (args: unknown) {",
      '  return parse("abc");',
      "}",
    ].join("\n");
    const result = await run("throws_error", code);
    expect(result.isError).toBe(true);
    const lines = result.text.split("\n");
    expect(lines[0]).toBe("throws_error threw: cannot parse abc");
    expect(lines[1]).toMatch(/^ {4}at parse \(dynamic-tools\/throws_error\/index\.ts:2:9\)$/);
    expect(lines[2]).toMatch(/dynamic-tools\/throws_error\/index\.ts:5:10\)$/);
    expect(result.text).not.toMatch(/node:internal|\[eval|toolhost-dynamic-|\/tmp\//);
  });

  it("reports a non-Error throw and a tool that exits the process", async () => {
    expect((await run("throws_string", "export default async () => { throw 'plain'; };")).text).toBe(
      "throws_string threw: a non-Error value was thrown: plain",
    );
    const exited = await run("exits_early", "export default async () => { process.exit(3); };");
    expect(exited.isError).toBe(true);
    expect(exited.text).toContain("exits_early exited with code 3 before returning a result");
  });

  it("kills a tool in an endless loop at the timeout, and the toolhost keeps serving", async () => {
    const result = await run("spin_forever", "export default async () => { for (;;) {} };");
    expect(result).toEqual({
      text: `spin_forever did not finish within ${TIMEOUT_SECONDS} s and was killed. Make it do less per call (or fix an endless loop), then call it again.`,
      isError: true,
    });
    await expect
      .poll(() => liveProcessesWith("spin_forever-").length === 0, { timeout: 10_000, interval: 50 })
      .toBe(true);
    expect((await host.call("read_file", { path: "words.txt" })).text).toContain("quick brown fox");
    expect((await run("after_loop", "export default async () => 'still here';")).text).toBe("still here");
  });

  it("cuts a huge result to fit the result budget with a note, and shows console output", async () => {
    const result = await run(
      "huge_result",
      "export default async () => { console.log('hello from the tool'); return 'x'.repeat(200000); };",
    );
    expect(result.isError).toBe(false);
    expect(result.text.length).toBeLessThanOrEqual(50_000);
    expect(result.text).toContain("[The result was cut at 40960 characters;");
    expect(result.text).toContain("[console output]\nhello from the tool");
  });
});
