// The hub over stdio with real child processes: the fixture server as the toolhost and as an mcp.json server,
// and @modelcontextprotocol/server-everything from npm. Proves calls, caps, timeouts, restarts and cleanup.
import { execFileSync, spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  ToolCallTimeoutError,
  ToolServerUnavailableError,
  UnknownToolError,
} from "../../agent/src/hub/hub-errors.js";
import { ToolHub } from "../../agent/src/hub/tool-hub.js";
import { MAX_DESCRIPTION_CHARS } from "../../agent/src/hub/tool-names.js";
import { LocalLauncher } from "../../agent/src/sandbox/local.js";
import {
  everythingPath,
  everythingStdioCommand,
  fixtureCommand,
  isAlive,
} from "../fixtures/mcp/fixture-process.js";

const FAST_BACKOFF = { initialMs: 100, maxMs: 500 };
const options = () => ({ signal: new AbortController().signal });

let workspace: string;
const hubs: ToolHub[] = [];

function makeHub(extra: Partial<ConstructorParameters<typeof ToolHub>[0]> = {}) {
  const launcher = new LocalLauncher({ workspace, command: fixtureCommand() });
  const hub = new ToolHub({
    launcher,
    servers: [],
    toolhostConnectTimeoutMs: 30_000,
    serverConnectTimeoutMs: 30_000,
    toolhostCallTimeoutMs: 20_000,
    serverCallTimeoutMs: 20_000,
    backoff: FAST_BACKOFF,
    ...extra,
  });
  hubs.push(hub);
  return { hub, launcher };
}

/** Pids of our direct children whose command line contains `needle`. */
function childPids(needle: string): number[] {
  const lines = execFileSync("ps", ["-o", "pid=,args=", "--ppid", String(process.pid)], { encoding: "utf8" });
  return lines
    .split("\n")
    .filter((line) => line.includes(needle))
    .map((line) => Number(line.trim().split(/\s+/)[0]));
}

beforeAll(async () => {
  workspace = await mkdtemp(join(tmpdir(), "hub-stdio-"));
  process.env.HUB_TEST_SECRET = "must-not-leak";
});

afterEach(async () => {
  await Promise.all(hubs.splice(0).map((hub) => hub.close()));
});

afterAll(async () => {
  delete process.env.HUB_TEST_SECRET;
  await rm(workspace, { recursive: true, force: true });
});

describe("ToolHub over stdio, one hub shared by tests that leave it usable", () => {
  let shared: ToolHub;
  beforeAll(async () => {
    shared = new ToolHub({
      launcher: new LocalLauncher({ workspace, command: fixtureCommand() }),
      servers: [
        { name: "everything", transport: "stdio", ...everythingStdioCommand(), env: {} },
        { name: "fx", transport: "stdio", ...fixtureCommand("--extra-tools", "150"), env: { EXTRA: "1" } },
        { name: "missing", transport: "stdio", command: "/nonexistent/mcp-server", args: [], env: {} },
      ],
      toolhostConnectTimeoutMs: 30_000,
      serverConnectTimeoutMs: 30_000,
      toolhostCallTimeoutMs: 1_500,
      backoff: { initialMs: 60_000, maxMs: 60_000 },
    });
    await shared.listTools();
  });
  afterAll(async () => {
    await shared.close();
  });

  it("lists built-ins unprefixed and server tools as server__tool; a server that cannot start is only absent", async () => {
    const hub = shared;
    const names = (await hub.listTools()).map((tool) => tool.name);
    expect(names).toContain("echo");
    expect(names).toContain("everything__echo");
    expect(names.some((name) => name.startsWith("missing__"))).toBe(false);
    const missing = hub.status().find((status) => status.name === "missing");
    expect(missing).toMatchObject({ kind: "stdio", state: "down", tools: [] });
    expect(missing?.reason).toContain("cannot start /nonexistent/mcp-server");
    expect(hub.status()[0]).toMatchObject({ name: "toolhost", kind: "sandbox", state: "up" });
  });

  it("calls the toolhost and a third-party npm server, mapping text, images, structured content and isError", async () => {
    const hub = shared;
    expect(await hub.callTool("echo", { text: "hi" }, options())).toEqual({
      text: "echo: hi",
      isError: false,
    });
    expect(await hub.callTool("everything__echo", { message: "hi" }, options())).toEqual({
      text: "Echo: hi",
      isError: false,
    });
    expect((await hub.callTool("everything__get-sum", { a: 2, b: 3 }, options())).text).toContain("5");
    expect((await hub.callTool("image", {}, options())).text).toBe(
      "here is a picture\n[image: image/png, 3 KB]",
    );
    expect(await hub.callTool("fail", {}, options())).toEqual({
      text: "it broke: try again with other input",
      isError: true,
    });
  });

  it("starts stdio servers and the toolhost with PATH, HOME and LANG only, never the agent's environment", async () => {
    const hub = shared;
    expect((await hub.callTool("env", {}, options())).text).toBe("HOME,LANG,PATH");
    expect((await hub.callTool("fx__env", {}, options())).text).toBe("EXTRA,HOME,LANG,PATH");
  });

  it("streams progress to onProgress, and progress keeps a call alive past its timeout", async () => {
    const hub = shared;
    const chunks: string[] = [];
    const result = await hub.callTool(
      "sleep",
      { ms: 3_000 },
      { ...options(), onProgress: (c) => chunks.push(c) },
    );
    expect(result.text).toBe("slept 3000");
    expect(chunks).toContain("tick 100");
    expect(chunks.length).toBeGreaterThan(5);
  });

  it("fails a call to a server that never answers with a timeout error, and the next call still works", async () => {
    const hub = shared;
    const error = await hub.callTool("hang", {}, options()).catch((caught: unknown) => caught);
    expect(ToolCallTimeoutError.isInstance(error)).toBe(true);
    expect((error as Error).message).toMatch(/"hang" did not answer within \d+ s/);
    expect((await hub.callTool("echo", { text: "still here" }, options())).text).toBe("echo: still here");
  });

  it("rejects with the abort reason when the turn is interrupted", async () => {
    const hub = shared;
    const controller = new AbortController();
    setTimeout(() => controller.abort(new DOMException("interrupted", "AbortError")), 200);
    const error = await hub
      .callTool("sleep", { ms: 20_000 }, { signal: controller.signal })
      .catch((e: unknown) => e);
    expect((error as Error).name).toBe("AbortError");
  });

  it("throws UnknownToolError naming near tools", async () => {
    const hub = shared;
    const error = await hub.callTool("ecko", {}, options()).catch((caught: unknown) => caught);
    expect(UnknownToolError.isInstance(error)).toBe(true);
    expect((error as UnknownToolError).nearNames).toContain("echo");
  });

  it("caps untrusted descriptions, result size and tool count, and reports what it dropped", async () => {
    const hub = shared;
    const tools = await hub.listTools();
    expect(tools.find((tool) => tool.name === "verbose")?.description.length).toBe(MAX_DESCRIPTION_CHARS);
    expect(tools.filter((tool) => tool.name.startsWith("fx__"))).toHaveLength(100);
    const fx = hub.status().find((status) => status.name === "fx");
    expect(fx?.dropped.length).toBeGreaterThan(50);
    const big = await hub.callTool("big", { chars: 200_000 }, options());
    expect(big.text.length).toBeLessThan(51_000);
    expect(big.text).toContain("[output truncated");
  });

  it("refreshes on tools/list_changed, flags the change in status, and never lets a server shadow a built-in", async () => {
    const hub = shared;
    expect(hub.status().every((status) => !status.changedSinceStart)).toBe(true);
    // A tool the toolhost adds at runtime (as create_tool does) that collides with a server's tool.
    await hub.callTool("add_tool", { name: "fx__echo" }, options());
    await expect
      .poll(() => hub.status()[0]?.changedSinceStart === true, { timeout: 10_000, interval: 50 })
      .toBe(true);
    expect((await hub.listTools()).filter((tool) => tool.name === "fx__echo")).toHaveLength(1);
    expect((await hub.callTool("fx__echo", {}, options())).text).toBe("I am fx__echo");
    const fx = hub.status().find((status) => status.name === "fx");
    expect(fx?.tools).not.toContain("fx__echo");
    expect(fx?.dropped).toContainEqual({
      mcpName: "fx__echo",
      reason: "shadows a built-in or another server's tool",
    });
  });
});

describe("ToolHub over stdio, one hub per test", () => {
  it("restarts a toolhost killed mid-call: the call errors, the next one relaunches it and says why", async () => {
    const { hub, launcher } = makeHub();
    await hub.listTools();
    const firstPid = launcher.pid ?? 0;
    const pending = hub.callTool("sleep", { ms: 20_000 }, options()).catch((caught: unknown) => caught);
    await new Promise((resolve) => setTimeout(resolve, 300));
    process.kill(firstPid, "SIGKILL");
    const error = await pending;
    expect(ToolServerUnavailableError.isInstance(error)).toBe(true);
    expect((error as Error).message).toContain("killed by SIGKILL");
    expect(hub.status()[0]?.state).toBe("down");
    const result = await hub.callTool("pid", {}, options());
    const [notice, pid] = result.text.split("\n");
    expect(notice).toContain("The sandbox was restarted because the toolhost was killed by SIGKILL");
    expect(Number(pid)).not.toBe(firstPid);
    expect((await hub.callTool("pid", {}, options())).text).toBe(pid);
  });

  it("restarts a third-party stdio server that died, in the background, and the next call succeeds", async () => {
    const { hub } = makeHub({
      servers: [{ name: "everything", transport: "stdio", ...everythingStdioCommand(), env: {} }],
    });
    await hub.listTools();
    const [pid] = childPids(everythingPath);
    expect(pid).toBeGreaterThan(0);
    process.kill(pid ?? 0, "SIGKILL");
    const everything = () => hub.status().find((status) => status.name === "everything");
    // The hub notices the exit and relaunches it at once (first retry), before any call.
    const restarted = () =>
      childPids(everythingPath).some((other) => other !== pid) && everything()?.state === "up";
    await expect.poll(restarted, { timeout: 10_000, interval: 50 }).toBe(true);
    const result = await hub.callTool("everything__echo", { message: "back" }, options());
    expect(result.text).toContain('[Reconnected to MCP server "everything"');
    expect(result.text).toContain("Echo: back");
    expect(everything()?.state).toBe("up");
  });

  it("leaves no process behind after close: toolhost, its children, stdio servers", async () => {
    const { hub, launcher } = makeHub({
      servers: [{ name: "fx", transport: "stdio", ...fixtureCommand(), env: {} }],
    });
    await hub.listTools();
    const grandchild = Number((await hub.callTool("spawn_child", {}, options())).text);
    const server = Number((await hub.callTool("fx__pid", {}, options())).text);
    const toolhost = launcher.pid ?? 0;
    expect([grandchild, server, toolhost].every(isAlive)).toBe(true);
    await hub.close();
    await expect
      .poll(() => ![grandchild, server, toolhost].some(isAlive), { timeout: 10_000, interval: 50 })
      .toBe(true);
    expect(await hub.listTools()).toEqual([]);
  });

  it("kills every child when the agent exits without closing the hub (/bye, a second Ctrl-C)", async () => {
    const script = fileURLToPath(new URL("../fixtures/mcp/exit-without-close.ts", import.meta.url));
    const child = spawn(
      process.execPath,
      ["--conditions=ts-coding-agent-source", "--import", "tsx", script],
      {
        stdio: ["ignore", "pipe", "inherit"],
      },
    );
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => {
      output += chunk.toString();
    });
    const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
    expect(code).toBe(0);
    const pids = JSON.parse(output) as Record<string, number>;
    expect(Object.values(pids).every((pid) => pid > 0)).toBe(true);
    await expect.poll(() => !Object.values(pids).some(isAlive), { timeout: 10_000, interval: 50 }).toBe(true);
  });
});
