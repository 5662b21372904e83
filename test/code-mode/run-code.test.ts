// run_code end to end with real parts: the toolhost as a child process (local launcher), the hub serving the
// calls back, the datetime server over HTTP, a dynamic tool, artifacts on disk, and the sandboxed node child.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCodeCallHandler } from "../../agent/src/code-mode/code-calls.js";
import { ToolHub } from "../../agent/src/hub/tool-hub.js";
import type { ToolResult } from "../../agent/src/loop/tools.js";
import { LocalLauncher } from "../../agent/src/sandbox/local.js";
import { type SpawnedServer, spawnServer } from "../mcp-servers/support/spawn-server.js";
import { startInProcess } from "../mcp-servers/toolhost/toolhost-harness.js";

let root: string;
let workspace: string;
let datetime: SpawnedServer;
let hub: ToolHub;
const SECRET = "sk-code-mode-secret-1234567890";

const runCode = (code: string, extra: Record<string, unknown> = {}, signal = new AbortController().signal) =>
  hub.callTool("run_code", { code, ...extra }, { signal });

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "run-code-"));
  workspace = join(root, "ws");
  const dynamicTools = join(root, "dynamic-tools");
  mkdirSync(workspace);
  mkdirSync(join(dynamicTools, "double"), { recursive: true });
  datetime = await spawnServer("mcp-servers/datetime/src/main.ts");
  hub = new ToolHub({
    launcher: new LocalLauncher({ workspace, dynamicToolsDir: dynamicTools }),
    servers: [{ name: "datetime", transport: "http", url: `${datetime.baseUrl}/mcp`, headers: {} }],
    toolhostConnectTimeoutMs: 60_000,
    serverConnectTimeoutMs: 20_000,
  });
  // What the model's calls go through in main.ts is more (spill scrubbing, git guard, run_skill); the hub is the
  // part these tests need, with a scrubber that knows one secret.
  hub.serveToolhostRequests([
    createCodeCallHandler({ tools: hub, scrub: (text) => text.replaceAll(SECRET, "[REDACTED]") }),
  ]);
  const created = await hub.callTool(
    "create_tool",
    {
      name: "double",
      description: "Doubles n.",
      parameters: { type: "object", properties: { n: { type: "number" } }, required: ["n"] },
      code: "export default async function (args: { n: number }) { return { doubled: args.n * 2 }; }",
      overwrite: true,
    },
    { signal: new AbortController().signal },
  );
  expect(created.isError, created.text).toBe(false);
}, 120_000);

afterAll(async () => {
  await hub?.close();
  datetime?.child.kill("SIGTERM");
  await rm(root, { recursive: true, force: true });
});

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function ok(result: ToolResult): string {
  expect(result.isError, result.text).toBe(false);
  return result.text;
}

describe("run_code through the hub", () => {
  it("is an ordinary tool the hub lists", async () => {
    const tools = await hub.listTools();
    expect(tools.map((tool) => tool.name)).toContain("run_code");
  });

  it("calls a built-in, a dynamic tool and an MCP server's tool from one piece of code", async () => {
    writeFileSync(join(workspace, "n.txt"), "21\n");
    const text = ok(
      await runCode(`
const listing = await tools.list_files({ path: "." });
const file = await tools.shell({ command: "cat n.txt" });
const n = Number(file.split("\\n")[0]);
const doubled = JSON.parse(await tools.double({ n }));
const time = await tools.datetime__get_current_time({ timezone: "Asia/Kathmandu" });
return { listed: listing.includes("n.txt"), doubled: doubled.doubled, zone: time.includes("+05:45") };`),
    );
    expect(JSON.parse(text)).toEqual({ listed: true, doubled: 42, zone: true });
  });

  it("runs many calls at once with Promise.all, past the cap on operations in flight", async () => {
    for (let i = 0; i < 40; i++) writeFileSync(join(workspace, `n-${i}.txt`), String(i));
    const text = ok(
      await runCode(`
const texts = await Promise.all(Array.from({ length: 40 }, (_, i) => tools.read_file({ path: "n-" + i + ".txt" })));
return texts.reduce((sum, text) => sum + Number(text), 0);`),
    );
    expect(text).toBe(String((39 * 40) / 2));
  });

  it("turns a failed call into a rejection the code can catch, and an unknown tool into one too", async () => {
    const text = ok(
      await runCode(`
const out = [];
try { await tools.read_file({ path: "missing.txt" }); } catch (error) { out.push("read: " + error.message); }
try { await tools.no_such_tool({}); } catch (error) { out.push("unknown: " + error.message); }
return out.join("\\n");`),
    );
    expect(text).toMatch(/^read: .*missing\.txt/m);
    expect(text).toMatch(/^unknown: .*no_such_tool/m);
  });

  it("refuses run_code from code (no recursion) and run_skill by its tool name", async () => {
    const text = ok(
      await runCode(`
const out = [];
for (const call of [() => tools.run_code({ code: "return 1" }), () => tools.run_skill({ name: "x" })]) {
  try { await call(); out.push("ran"); } catch (error) { out.push(error.message); }
}
return out.join("\\n");`),
    );
    expect(text).toContain("run_code cannot be called from code");
    expect(text).toContain("skills.<name>(args)");
    expect(text).not.toContain("ran");
  });

  it("scrubs secrets from results before they reach the code", async () => {
    writeFileSync(join(workspace, "leak.txt"), `token=${SECRET}\n`);
    const text = ok(await runCode(`return await tools.read_file({ path: "leak.txt" });`));
    expect(text).toContain("[REDACTED]");
    expect(text).not.toContain(SECRET);
  });

  it("saves, lists and loads artifacts as text and JSON under .agent/artifacts", async () => {
    const text = ok(
      await runCode(`
await artifacts.save("totals.json", { total: 7, items: [1, 2, 4] });
await artifacts.save("notes.txt", "plain text");
const loaded = await artifacts.load("totals.json");
const notes = await artifacts.load("notes.txt");
const names = (await artifacts.list()).map((entry) => entry.name);
return { total: loaded.total, notes, names };`),
    );
    expect(JSON.parse(text)).toEqual({ total: 7, notes: "plain text", names: ["notes.txt", "totals.json"] });
    const onDisk = JSON.parse(readFileSync(join(workspace, ".agent/artifacts/totals.json"), "utf8"));
    expect(onDisk.items).toEqual([1, 2, 4]);
  });

  it("refuses artifact names that could leave the folder", async () => {
    const text = ok(
      await runCode(`
const out = [];
for (const name of ["../escape.txt", "a/b", "", ".hidden", "x".repeat(101), 42]) {
  try { await artifacts.save(name, "x"); out.push("saved " + name); } catch (error) { out.push("refused"); }
}
try { await artifacts.load("../../etc/passwd"); out.push("loaded"); } catch (error) { out.push(error.message); }
return out.join("\\n");`),
    );
    expect(text).not.toContain("saved");
    expect(text).not.toContain("loaded");
    expect(text).toContain("is not a valid artifact name");
    expect(existsSync(join(workspace, ".agent/escape.txt"))).toBe(false);
    expect(existsSync(join(workspace, "escape.txt"))).toBe(false);
  });

  it("returns a thrown error as a tool error with the stack trimmed to the code's own lines", async () => {
    const result = await runCode(`const helper = () => {
  throw new Error("no total yet");
};
helper();`);
    expect(result.isError).toBe(true);
    expect(result.text).toMatch(/^run_code threw: no total yet\n\s+at helper \(run_code\/code\.ts:2:\d+\)/);
    expect(result.text).not.toMatch(/toolhost-code-|\/tmp\/|node:internal/);
  });

  it("reports a syntax error with its line and refuses import statements", async () => {
    const bad = await runCode("const x = ;\nreturn x;");
    expect(bad.isError).toBe(true);
    expect(bad.text).toMatch(/Syntax error in the code: line 1, column \d+/);
    const imported = await runCode('import fs from "node:fs";\nreturn 1;');
    expect(imported.isError).toBe(true);
    expect(imported.text).toContain("no import or export statements");
  });

  it("runs with an empty environment, no file access and no child processes", async () => {
    const text = ok(
      await runCode(`
const out = { env: Object.keys(process.env).length };
const fs = await import("node:fs");
try { fs.readFileSync("/etc/hostname"); out.read = "allowed"; } catch (error) { out.read = error.code; }
const cp = await import("node:child_process");
try { cp.execSync("true"); out.spawn = "allowed"; } catch (error) { out.spawn = error.code; }
return out;`),
    );
    expect(JSON.parse(text)).toEqual({ env: 0, read: "ERR_ACCESS_DENIED", spawn: "ERR_ACCESS_DENIED" });
  });

  it("bounds console output and the returned value", async () => {
    const text = ok(
      await runCode(`for (let i = 0; i < 2000; i++) console.log("line " + i + " " + "x".repeat(40));
return "y".repeat(200000);`),
    );
    expect(text.length).toBeLessThanOrEqual(50_000);
    expect(text).toContain("[The result was cut at");
    expect(text).toContain("artifacts.save");
    expect(text).toContain("[console output]\nline 0 ");
    expect(text).toContain("[console output cut]");
  });

  it("kills code that runs past its timeout", async () => {
    const result = await runCode("while (true) {}", { timeout_seconds: 1 });
    expect(result.isError).toBe(true);
    expect(result.text).toContain("run_code did not finish within 1 s and was killed");
  });

  it("kills the code's process and the shell it is waiting on when the call is aborted, streaming console output as progress", async () => {
    const abort = new AbortController();
    const progress: string[] = [];
    const pending = hub.callTool(
      "run_code",
      {
        code: `console.log("pid " + process.pid);
await tools.shell({ command: "echo $$ > sleeper.pid; exec sleep 300" });`,
      },
      {
        signal: abort.signal,
        onProgress: (chunk) => progress.push(chunk),
      },
    );
    const pidFile = join(workspace, "sleeper.pid");
    await expect
      .poll(() => /pid \d+/.test(progress.join("")) && existsSync(pidFile), { timeout: 30_000 })
      .toBe(true);
    const codePid = Number(/pid (\d+)/.exec(progress.join(""))?.[1]);
    const shellPid = Number(readFileSync(pidFile, "utf8").trim());
    expect(isRunning(codePid) && isRunning(shellPid)).toBe(true);
    abort.abort();
    await expect(pending).rejects.toThrow();
    await expect.poll(() => isRunning(codePid) || isRunning(shellPid), { timeout: 15_000 }).toBe(false);
    // The toolhost is still there and answers the next call.
    expect(ok(await runCode("return 1 + 1;"))).toBe("2");
  });
});

describe("run_code for an MCP client that does not serve calls from code", () => {
  it("says tools are not available there, while artifacts and console still work", async () => {
    const host = await startInProcess(workspace);
    try {
      const result = await host.call("run_code", {
        code: `console.log("still here");
await artifacts.save("plain.txt", "kept");
try { await tools.read_file({ path: "n.txt" }); return "called"; } catch (error) { return error.message; }`,
      });
      expect(result.isError, result.text).toBe(false);
      expect(result.text).toMatch(
        /^tools\.read_file is not available: this MCP client does not run calls from code/,
      );
      expect(result.text).toContain("[console output]\nstill here");
      expect(readFileSync(join(workspace, ".agent/artifacts/plain.txt"), "utf8")).toBe("kept");
    } finally {
      await host.close();
    }
  });
});
