// python-mcp over real HTTP: the tool list, every tool's success and error results through a real MCP client,
// an interrupt arriving from a second concurrent call, and main.ts as a process that leaves no kernel behind.

import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { createLogger, type RunningMcpServer, serveMcp } from "@ts-coding-agent/mcp-kit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { KernelPool } from "../../../mcp-servers/python/src/kernel-pool.js";
import { pythonTools } from "../../../mcp-servers/python/src/python-tools.js";
import { callTool, connectClient, rawRequest, textOf } from "../support/mcp-client.js";
import { spawnServer } from "../support/spawn-server.js";
import { processExists } from "./process-state.js";

type Structured = Record<string, unknown>;

describe("python-mcp tools over HTTP", () => {
  let pool: KernelPool;
  let server: RunningMcpServer;
  let client: Client;

  beforeAll(async () => {
    pool = new KernelPool({ maxKernels: 2, interruptGraceMs: 3000 });
    server = await serveMcp({
      name: "python-mcp",
      version: "0.1.0",
      port: 0,
      host: "127.0.0.1",
      registerTools: pythonTools(pool),
      logger: createLogger("test", "silent"),
    });
    client = await connectClient(server.url);
  });

  afterAll(async () => {
    await client?.close();
    await server?.close();
    await pool?.shutdownAll();
  });

  it("lists the five tools", async () => {
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name).sort()).toEqual([
      "python_exec",
      "python_interrupt",
      "python_reset",
      "python_shutdown",
      "python_status",
    ]);
    const exec = tools.find((t) => t.name === "python_exec");
    expect(exec?.inputSchema.required).toEqual(["code"]);
    expect(exec?.outputSchema?.properties).toHaveProperty("status");
  });

  it("python_exec keeps state, returns output sections and structured content", async () => {
    await callTool(client, "python_exec", { code: "total = 40" });
    const result = await callTool(client, "python_exec", { code: "print('adding')\ntotal + 2" });
    expect(result.isError).toBeFalsy();
    expect(textOf(result)).toBe("[stdout]\nadding\n\n[result]\n42");
    expect(result.structuredContent).toMatchObject({
      kernel_id: "default",
      status: "ok",
      stdout: "adding\n",
      result: "42",
    });
  });

  it("python_exec returns isError for an exception, and for a timeout that keeps the state", async () => {
    const failed = await callTool(client, "python_exec", { code: "raise ValueError('bad value')" });
    expect(failed.isError).toBe(true);
    expect(textOf(failed)).toContain("ValueError: bad value");
    const timedOut = await callTool(client, "python_exec", { code: "while True: pass", timeout_seconds: 1 });
    expect(timedOut.isError).toBe(true);
    expect((timedOut.structuredContent as Structured).status).toBe("timeout");
    expect(textOf(timedOut)).toContain("kernel and its variables are kept");
    expect(textOf(await callTool(client, "python_exec", { code: "total" }))).toContain("40");
  });

  it("python_exec refuses a timeout over 300 s and an unknown kernel id", async () => {
    const tooLong = await callTool(client, "python_exec", { code: "1", timeout_seconds: 301 });
    expect(tooLong.isError).toBe(true);
    const unknown = await callTool(client, "python_exec", { code: "1", kernel_id: "k-nope" });
    expect(unknown.isError).toBe(true);
    expect(textOf(unknown)).toContain("python_reset");
  });

  it("python_interrupt stops a cell another call is running", async () => {
    const running = callTool(client, "python_exec", {
      code: "import time\ntime.sleep(60)",
      timeout_seconds: 120,
    });
    const busy = async () =>
      ((await callTool(client, "python_status", {})).structuredContent as Structured).busy;
    await expect.poll(busy, { timeout: 10_000 }).toBe(true);
    const interrupted = await callTool(client, "python_interrupt", { kernel_id: "default" });
    expect(interrupted.structuredContent).toMatchObject({ interrupted: true });
    const result = await running;
    expect(result.isError).toBe(true);
    expect((result.structuredContent as Structured).status).toBe("interrupted");
    const idle = await callTool(client, "python_interrupt", { kernel_id: "default" });
    expect(idle.structuredContent).toMatchObject({ interrupted: false });
    expect((await callTool(client, "python_interrupt", { kernel_id: "k-nope" })).isError).toBe(true);
  });

  it("python_status reports alive, version and names, and lists kernels", async () => {
    const status = await callTool(client, "python_status", {});
    expect(status.structuredContent).toMatchObject({ kernel_id: "default", alive: true, busy: false });
    const names = (status.structuredContent as { names: Array<{ name: string }> }).names.map((n) => n.name);
    expect(names).toContain("total");
    expect((status.structuredContent as Structured).python_version).toMatch(/^3\./);
    expect((await callTool(client, "python_status", { kernel_id: "k-nope" })).isError).toBe(true);
  });

  it("python_reset creates a kernel, restarts one by id, and hits the cap; python_shutdown frees it", async () => {
    const created = await callTool(client, "python_reset", {});
    const id = (created.structuredContent as { kernel_id: string }).kernel_id;
    expect(id).toMatch(/^k-/);
    await callTool(client, "python_exec", { code: "v = 1", kernel_id: id });
    const capped = await callTool(client, "python_reset", {});
    expect(capped.isError).toBe(true);
    expect(textOf(capped)).toContain("Kernel limit reached");
    const restarted = await callTool(client, "python_reset", { kernel_id: id });
    expect(restarted.structuredContent).toMatchObject({ kernel_id: id, restarted: true });
    expect(textOf(await callTool(client, "python_exec", { code: "v", kernel_id: id }))).toContain(
      "NameError",
    );
    const shut = await callTool(client, "python_shutdown", { kernel_id: id });
    expect(shut.structuredContent).toMatchObject({ kernel_id: id, shut_down: true });
    expect((await callTool(client, "python_shutdown", { kernel_id: id })).isError).toBe(true);
    expect((await callTool(client, "python_reset", { kernel_id: "k-never" })).isError).toBe(true);
  });
});

describe("python-mcp main.ts as a process", () => {
  it("serves /healthz and tools, and on SIGTERM exits 0 leaving no kernel process", async () => {
    const spawned = await spawnServer("mcp-servers/python/src/main.ts", { PYTHON_MAX_KERNELS: "2" });
    let kernelPid = 0;
    try {
      const health = await rawRequest(`${spawned.baseUrl}/healthz`, { method: "GET" });
      expect(health.status).toBe(200);
      const client = await connectClient(`${spawned.baseUrl}/mcp`);
      const result = await callTool(client, "python_exec", { code: "import os\nos.getpid()" });
      kernelPid = Number((result.structuredContent as Structured).result);
      expect(kernelPid).toBeGreaterThan(0);
      await client.close();
    } finally {
      spawned.child.kill("SIGTERM");
    }
    expect(await spawned.exited).toBe(0);
    await expect.poll(() => processExists(kernelPid), { timeout: 10_000, interval: 100 }).toBe(false);
  });
});
