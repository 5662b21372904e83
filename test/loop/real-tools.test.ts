// The loop over the scripted LLM with real tools: the toolhost as a child process (write, edit, read and run
// a file), and the datetime and python MCP servers over real HTTP (namespaced tools, kernel state kept).
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { ToolHub } from "../../agent/src/hub/tool-hub.js";
import { LocalLauncher } from "../../agent/src/sandbox/local.js";
import { type SpawnedServer, spawnServer } from "../mcp-servers/support/spawn-server.js";
import { type Harness, startHarness } from "./harness.js";

let h: Harness | undefined;
let hub: ToolHub | undefined;
afterEach(async () => {
  await h?.close();
  await hub?.close();
  h = undefined;
  hub = undefined;
});

const step = (name: string, args: Record<string, unknown>) => ({ toolCalls: [{ name, arguments: args }] });
const results = (harness: Harness) =>
  harness.history.messages.flatMap((m) => (m.role === "tool" ? [m.content] : []));

describe("loop with the real toolhost", () => {
  it("writes, edits, reads and runs a file through the built-in tools", async () => {
    const workspace = mkdtempSync(join(tmpdir(), "loop-ws-"));
    hub = new ToolHub({ launcher: new LocalLauncher({ workspace }), servers: [] });
    h = await startHarness(hub);
    h.llm.enqueue(
      step("write_file", { path: "app/hello.py", content: "print('hello')\n" }),
      step("edit_file", { path: "app/hello.py", old_text: "'hello'", new_text: "'hello, agent'" }),
      step("read_file", { path: "app/hello.py" }),
      step("shell", { command: "python3 app/hello.py" }),
      { text: "It prints hello, agent." },
    );
    const result = await h.run("make hello.py greet the agent and run it");
    expect(result.reason).toBe("done");
    expect(readFileSync(join(workspace, "app/hello.py"), "utf8")).toBe("print('hello, agent')\n");
    const [written, edited, read, ran] = results(h);
    expect(written).toMatch(/15 bytes/);
    expect(edited).toContain("+print('hello, agent')");
    expect(read).toContain("print('hello, agent')");
    expect(ran).toContain("hello, agent");
    const offered = h.llm.requests[0]?.body.tools?.map((t) => t.function.name);
    expect(offered).toEqual(
      expect.arrayContaining(["list_files", "read_file", "write_file", "edit_file", "shell"]),
    );
  });

  it("hands the model head, tail and exit status of outputs larger than the result budget", async () => {
    const workspace = mkdtempSync(join(tmpdir(), "loop-ws-"));
    hub = new ToolHub({ launcher: new LocalLauncher({ workspace }), servers: [] });
    // No compaction: its summary request would take a scripted reply meant for the next step.
    h = await startHarness(hub, { compactAtPercent: 0 });
    // Wide lines of multi-byte text: 3 bytes per character is where a byte budget and a character cap part.
    const wide = "seq 1 4000 | sed 's/$/ ääääääääääääääääääääääääääääää/'";
    h.llm.enqueue(
      step("shell", { command: `${wide}; echo LAST-LINE; exit 3` }),
      step("shell", { command: "seq 1 60000; echo LAST-LINE" }),
      step("read_file", { path: "big.txt" }),
      { text: "Seen." },
    );
    const { writeFileSync } = await import("node:fs");
    writeFileSync(join(workspace, "big.txt"), `${"z".repeat(120)}\n`.repeat(2000));
    await h.run("run two noisy commands and read a big file");
    // What the model got: each result in the request right after its call (the history may drop old ones).
    const seen = (request: number) =>
      h?.llm.requests[request]?.body.messages.filter((m) => m.role === "tool").at(-1)?.content;
    const [multibyte, ascii, read] = [seen(1), seen(2), seen(3)];
    for (const text of [multibyte, ascii, read]) expect(text?.length).toBeLessThanOrEqual(50_000);
    expect(multibyte).toMatch(/^1 ä+\n2 ä+\n/);
    expect(multibyte).toMatch(/4000 ä+\nLAST-LINE\n\n\[exit code 3\]$/);
    expect(multibyte).toMatch(/\[Output was [\d.]+ KB; showing the first and last 20 KB\./);
    expect(ascii).toMatch(/^1\n2\n/);
    expect(ascii).toMatch(/60000\nLAST-LINE\n\n\[exit code 0\]$/);
    expect(ascii).not.toContain("[output truncated");
    expect(read).toMatch(/\[Showing lines 1-\d+ of 2000\. Use offset=\d+ to continue\.\]$/);
  });
});

describe("loop with the datetime and python MCP servers", () => {
  let datetime: SpawnedServer;
  let python: SpawnedServer;
  beforeAll(async () => {
    [datetime, python] = await Promise.all([
      spawnServer("mcp-servers/datetime/src/main.ts"),
      spawnServer("mcp-servers/python/src/main.ts", { PYTHON_WORKDIR: tmpdir() }),
    ]);
  });
  afterAll(() => {
    datetime?.child.kill("SIGTERM");
    python?.child.kill("SIGTERM");
  });

  it("calls datetime__get_current_time and python__python_exec, and the kernel keeps state", async () => {
    hub = new ToolHub({
      servers: [
        { name: "datetime", transport: "http", url: `${datetime.baseUrl}/mcp`, headers: {} },
        { name: "python", transport: "http", url: `${python.baseUrl}/mcp`, headers: {} },
      ],
    });
    h = await startHarness(hub);
    h.llm.enqueue(
      step("datetime__get_current_time", { timezone: "Asia/Kathmandu" }),
      step("python__python_exec", { code: "x = 21" }),
      step("python__python_exec", { code: "x * 2" }),
      { text: "done" },
    );
    await h.run("what time is it in Kathmandu, and what is 21*2 in python?");
    const [time, , doubled] = results(h);
    expect(time).toContain("Asia/Kathmandu");
    expect(time).toMatch(/\+05:45/);
    expect(doubled).toContain("42");
    const offered = h.llm.requests[0]?.body.tools?.map((t) => t.function.name);
    expect(offered).toEqual(expect.arrayContaining(["datetime__get_current_time", "python__python_exec"]));
  });
});
