// The hub over Streamable HTTP on 127.0.0.1: @modelcontextprotocol/server-everything from npm and the fixture
// server as real processes, a server killed mid-call and restarted, a server that accepts and never answers.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { ToolCallTimeoutError, ToolServerUnavailableError } from "../../agent/src/hub/hub-errors.js";
import { ToolHub, type ToolHubOptions } from "../../agent/src/hub/tool-hub.js";
import {
  freePort,
  type HttpServerProcess,
  startEverythingHttp,
  startFixtureHttp,
} from "../fixtures/mcp/fixture-process.js";

const options = () => ({ signal: new AbortController().signal });
const cleanups: Array<() => Promise<void>> = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function makeHub(servers: ToolHubOptions["servers"], extra: Partial<ToolHubOptions> = {}): ToolHub {
  const hub = new ToolHub({
    servers,
    serverConnectTimeoutMs: 10_000,
    serverCallTimeoutMs: 10_000,
    backoff: { initialMs: 100, maxMs: 500 },
    ...extra,
  });
  cleanups.push(() => hub.close());
  return hub;
}

function track(server: HttpServerProcess): HttpServerProcess {
  cleanups.push(() => server.kill());
  return server;
}

/** An HTTP server that accepts every request and never answers it. */
async function silentServer(): Promise<string> {
  const held: Array<{ destroy(): void }> = [];
  const server: Server = createServer((request) => {
    held.push(request.socket);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  cleanups.push(async () => {
    for (const socket of held) socket.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/mcp`;
}

describe("ToolHub over Streamable HTTP", () => {
  it("calls a third-party npm server (server-everything) and streams its progress", async () => {
    const everything = track(await startEverythingHttp(await freePort()));
    const hub = makeHub([{ name: "everything", transport: "http", url: everything.url, headers: {} }]);
    const names = (await hub.listTools()).map((tool) => tool.name);
    expect(names).toContain("everything__echo");
    expect(await hub.callTool("everything__echo", { message: "over http" }, options())).toEqual({
      text: "Echo: over http",
      isError: false,
    });
    const progress: string[] = [];
    const result = await hub.callTool(
      "everything__trigger-long-running-operation",
      { duration: 1, steps: 2 },
      { ...options(), onProgress: (chunk) => progress.push(chunk) },
    );
    expect(result.text).toContain("Long running operation completed");
    expect(progress).toEqual(["1/2", "2/2"]);
    expect(hub.status()).toMatchObject([
      { name: "everything", kind: "http", state: "up", description: everything.url },
    ]);
  });

  it("errors a call whose server is killed mid-call, then reconnects once the server is back", async () => {
    const port = await freePort();
    const first = track(await startEverythingHttp(port));
    const hub = makeHub([{ name: "everything", transport: "http", url: first.url, headers: {} }], {
      serverCallTimeoutMs: 8_000,
    });
    await hub.listTools();
    const pending = hub
      .callTool("everything__trigger-long-running-operation", { duration: 30, steps: 30 }, options())
      .catch((caught: unknown) => caught);
    await new Promise((resolve) => setTimeout(resolve, 300));
    await first.kill();
    const error = await pending;
    expect(ToolServerUnavailableError.isInstance(error) || ToolCallTimeoutError.isInstance(error)).toBe(true);
    track(await startEverythingHttp(port));
    const result = await hub.callTool("everything__echo", { message: "after restart" }, options());
    expect(result.text).toContain('[Reconnected to MCP server "everything"');
    expect(result.text.endsWith("Echo: after restart")).toBe(true);
  });

  it("reconnects, re-lists and succeeds on the next call after the server restarted and forgot the session", async () => {
    const port = await freePort();
    const first = track(await startFixtureHttp(port));
    const hub = makeHub([{ name: "fx", transport: "http", url: first.url, headers: {} }]);
    await hub.listTools();
    await first.kill();
    track(await startFixtureHttp(port));
    const result = await hub.callTool("fx__echo", { text: "same session?" }, options());
    expect(result.text.split("\n")).toEqual([
      expect.stringContaining('[Reconnected to MCP server "fx"'),
      "echo: same session?",
    ]);
    expect(hub.status()[0]?.state).toBe("up");
  });

  it("times out a tool that never answers over HTTP; the server stays usable", async () => {
    const server = track(await startFixtureHttp(await freePort()));
    const hub = makeHub([{ name: "fx", transport: "http", url: server.url, headers: {} }], {
      serverCallTimeoutMs: 1_000,
    });
    await hub.listTools();
    const error = await hub.callTool("fx__hang", {}, options()).catch((caught: unknown) => caught);
    expect(ToolCallTimeoutError.isInstance(error)).toBe(true);
    expect((await hub.callTool("fx__echo", { text: "ok" }, options())).text).toBe("echo: ok");
  });

  it("marks a server that accepts and never answers as down after the connect timeout; others still work", async () => {
    const everything = track(await startEverythingHttp(await freePort()));
    const hub = makeHub(
      [
        { name: "silent", transport: "http", url: await silentServer(), headers: {} },
        { name: "everything", transport: "http", url: everything.url, headers: {} },
      ],
      { serverConnectTimeoutMs: 1_500, backoff: { initialMs: 60_000, maxMs: 60_000 } },
    );
    const names = (await hub.listTools()).map((tool) => tool.name);
    expect(names).toContain("everything__echo");
    expect(names.some((name) => name.startsWith("silent__"))).toBe(false);
    const silent = hub.status().find((status) => status.name === "silent");
    expect(silent?.state).not.toBe("up");
    await expect.poll(() => hub.status()[0]?.state === "down", { timeout: 10_000, interval: 50 }).toBe(true);
    expect(hub.status()[0]?.reason).toMatch(/cannot connect: .*(timed out|took longer)/i);
  });

  it("connects in the background to a server that was down at start-up", async () => {
    const port = await freePort();
    const hub = makeHub([
      { name: "late", transport: "http", url: `http://127.0.0.1:${port}/mcp`, headers: {} },
    ]);
    expect(await hub.listTools()).toEqual([]);
    expect(hub.status()[0]).toMatchObject({ name: "late", state: "down" });
    expect(hub.status()[0]?.reason).toContain("cannot connect");
    track(await startFixtureHttp(port));
    await expect.poll(() => hub.status()[0]?.state === "up", { timeout: 15_000, interval: 50 }).toBe(true);
    expect((await hub.listTools()).map((tool) => tool.name)).toContain("late__echo");
  });

  it("fails a call to a server that went away with ToolServerUnavailableError saying why", async () => {
    const server = track(await startFixtureHttp(await freePort()));
    const hub = makeHub([{ name: "gone", transport: "http", url: server.url, headers: {} }]);
    await hub.listTools();
    await server.kill();
    const error = await hub
      .callTool("gone__echo", { text: "x" }, options())
      .catch((caught: unknown) => caught);
    expect(ToolServerUnavailableError.isInstance(error)).toBe(true);
    expect((error as Error).message).toContain('"gone" is unavailable');
    expect(hub.status()[0]?.state).not.toBe("up");
  });

  it("reload applies a new server list: added servers connect, removed ones disappear", async () => {
    const server = track(await startFixtureHttp(await freePort()));
    const hub = makeHub([]);
    expect(await hub.listTools()).toEqual([]);
    const added = await hub.reload([{ name: "fx", transport: "http", url: server.url, headers: {} }]);
    expect(added).toMatchObject([{ name: "fx", state: "up" }]);
    expect((await hub.listTools()).map((tool) => tool.name)).toContain("fx__echo");
    expect(await hub.reload([])).toEqual([]);
    expect(await hub.listTools()).toEqual([]);
  });

  it("does not collect abort listeners on the turn's signal across many calls", async () => {
    const server = track(await startFixtureHttp(await freePort()));
    const hub = makeHub([{ name: "fx", transport: "http", url: server.url, headers: {} }]);
    await hub.listTools();
    const warnings: Error[] = [];
    const onWarning = (warning: Error) => warnings.push(warning);
    process.on("warning", onWarning);
    const turn = new AbortController();
    for (let index = 0; index < 15; index++) {
      await hub.callTool("fx__echo", { text: String(index) }, { signal: turn.signal });
    }
    // Warnings are delivered in order: once this probe arrives, any listener warning from the calls has too.
    process.emitWarning("probe", "ProbeWarning");
    await expect.poll(() => warnings.some((warning) => warning.name === "ProbeWarning")).toBe(true);
    process.off("warning", onWarning);
    expect(warnings.filter((warning) => warning.name === "MaxListenersExceededWarning")).toEqual([]);
  });
});
