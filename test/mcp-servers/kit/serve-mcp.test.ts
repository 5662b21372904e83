// serveMcp over real HTTP on 127.0.0.1: health, the MCP handshake and tools, sessions (404 for unknown ids,
// DELETE, the cap), the bearer token and Host/Origin guards, and JSON errors for bad requests.

import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { createLogger, type RunningMcpServer, serveMcp } from "@ts-coding-agent/mcp-kit";
import { afterEach, describe, expect, it } from "vitest";
import { z } from "zod";
import {
  callTool,
  connectClient,
  INITIALIZE_BODY,
  MCP_POST_HEADERS,
  rawRequest,
  textOf,
} from "../support/mcp-client.js";

const running: RunningMcpServer[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((s) => s.close()));
});

function echoTools(server: McpServer): void {
  server.registerTool(
    "echo",
    { description: "Echo text", inputSchema: { text: z.string() } },
    ({ text }) => ({
      content: [{ type: "text", text }],
    }),
  );
}

async function start(extra: { authToken?: string; allowedHosts?: string[]; maxSessions?: number } = {}) {
  const server = await serveMcp({
    name: "test-server",
    version: "1.2.3",
    port: 0,
    host: "127.0.0.1",
    registerTools: echoTools,
    logger: createLogger("test", "silent"),
    ...extra,
  });
  running.push(server);
  return server;
}

/** Opens a session with a raw initialize and returns its id. */
async function openSession(url: string, headers: Record<string, string> = {}): Promise<string> {
  const res = await rawRequest(url, {
    method: "POST",
    headers: { ...MCP_POST_HEADERS, ...headers },
    body: INITIALIZE_BODY,
  });
  expect(res.status).toBe(200);
  const id = res.headers["mcp-session-id"];
  expect(typeof id).toBe("string");
  return id as string;
}

const listToolsBody = JSON.stringify({ jsonrpc: "2.0", id: 2, method: "tools/list", params: {} });

describe("serveMcp", () => {
  it("listens on the real port when asked for port 0 and reports it in the url", async () => {
    const server = await start();
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/mcp$/);
    expect(server.url).not.toContain(":0/");
  });

  it("answers /healthz with name and version", async () => {
    const server = await start();
    const res = await rawRequest(server.url.replace("/mcp", "/healthz"), { method: "GET" });
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body)).toEqual({ status: "ok", name: "test-server", version: "1.2.3" });
  });

  it("serves the registered tools to a real MCP client", async () => {
    const server = await start();
    const client = await connectClient(server.url);
    try {
      expect(client.getServerVersion()).toMatchObject({ name: "test-server", version: "1.2.3" });
      const { tools } = await client.listTools();
      expect(tools.map((t) => t.name)).toEqual(["echo"]);
      expect(textOf(await callTool(client, "echo", { text: "hi" }))).toBe("hi");
    } finally {
      await client.close();
    }
  });

  it("gives each client its own session", async () => {
    const server = await start();
    const a = await openSession(server.url);
    const b = await openSession(server.url);
    expect(a).not.toBe(b);
  });

  it("answers 404 with a JSON-RPC error for an unknown session id, so clients re-initialize", async () => {
    const server = await start();
    const res = await rawRequest(server.url, {
      method: "POST",
      headers: { ...MCP_POST_HEADERS, "mcp-session-id": "no-such-session" },
      body: listToolsBody,
    });
    expect(res.status).toBe(404);
    expect(JSON.parse(res.body)).toMatchObject({ jsonrpc: "2.0", error: { code: -32001 } });
    const get = await rawRequest(server.url, { method: "GET", headers: { "mcp-session-id": "gone" } });
    expect(get.status).toBe(404);
  });

  it("refuses a non-initialize request without a session id with 400", async () => {
    const server = await start();
    const res = await rawRequest(server.url, {
      method: "POST",
      headers: MCP_POST_HEADERS,
      body: listToolsBody,
    });
    expect(res.status).toBe(400);
    expect(JSON.parse(res.body).error.message).toContain("initialize first");
  });

  it("answers malformed JSON with a 400 JSON error, and unknown routes with a 404 JSON error", async () => {
    const server = await start();
    const bad = await rawRequest(server.url, {
      method: "POST",
      headers: MCP_POST_HEADERS,
      body: "{not json",
    });
    expect(bad.status).toBe(400);
    expect(JSON.parse(bad.body)).toMatchObject({ jsonrpc: "2.0", error: { code: -32700 } });
    const missing = await rawRequest(server.url.replace("/mcp", "/nope"), { method: "GET" });
    expect(missing.status).toBe(404);
    expect(JSON.parse(missing.body).error.message).toContain("/mcp");
  });

  it("ends a session on DELETE /mcp; the id is unknown afterwards", async () => {
    const server = await start();
    const id = await openSession(server.url);
    const del = await rawRequest(server.url, { method: "DELETE", headers: { "mcp-session-id": id } });
    expect(del.status).toBe(200);
    const after = await rawRequest(server.url, {
      method: "POST",
      headers: { ...MCP_POST_HEADERS, "mcp-session-id": id },
      body: listToolsBody,
    });
    expect(after.status).toBe(404);
  });

  it("closes the least recently used session when the session cap is reached", async () => {
    const server = await start({ maxSessions: 2 });
    const first = await openSession(server.url);
    const second = await openSession(server.url);
    await openSession(server.url);
    const post = (id: string) =>
      rawRequest(server.url, {
        method: "POST",
        headers: { ...MCP_POST_HEADERS, "mcp-session-id": id },
        body: listToolsBody,
      });
    expect((await post(first)).status).toBe(404);
    expect((await post(second)).status).not.toBe(404);
  });

  it("requires the bearer token when one is set, but not for /healthz", async () => {
    const server = await start({ authToken: "s3cret" });
    const none = await rawRequest(server.url, {
      method: "POST",
      headers: MCP_POST_HEADERS,
      body: INITIALIZE_BODY,
    });
    expect(none.status).toBe(401);
    expect(none.headers["www-authenticate"]).toContain("Bearer");
    const wrong = await rawRequest(server.url, {
      method: "POST",
      headers: { ...MCP_POST_HEADERS, authorization: "Bearer s3cre" },
      body: INITIALIZE_BODY,
    });
    expect(wrong.status).toBe(401);
    await expect(connectClient(server.url)).rejects.toThrow();
    const client = await connectClient(server.url, "s3cret");
    expect((await client.listTools()).tools).toHaveLength(1);
    await client.close();
    const health = await rawRequest(server.url.replace("/mcp", "/healthz"), { method: "GET" });
    expect(health.status).toBe(200);
  });

  it("guards the route the router matched, not the raw URL: /%6dcp and friends need the token and an allowed Host", async () => {
    const server = await start({ authToken: "s3cret" });
    const base = server.url.replace("/mcp", "");
    for (const path of [
      "/%6dcp",
      "/%6D%63%70",
      "/mcp?x=1",
      "//mcp",
      "/%2fmcp",
      "/./mcp",
      "/healthz/../mcp",
    ]) {
      const res = await rawRequest(`${base}${path}`, {
        method: "POST",
        headers: MCP_POST_HEADERS,
        body: INITIALIZE_BODY,
      });
      expect({ path, status: res.status }).toEqual({ path, status: 401 });
    }
    const rebound = await rawRequest(`${base}/%6dcp`, {
      method: "POST",
      headers: { ...MCP_POST_HEADERS, host: "evil.example", authorization: "Bearer s3cret" },
      body: INITIALIZE_BODY,
    });
    expect(rebound.status).toBe(403);
    const health = await rawRequest(`${base}/%68ealthz`, { method: "GET" });
    expect(health.status).toBe(200);
  });

  it("refuses a Host or Origin outside the allow-list with 403 and accepts the allowed names", async () => {
    const server = await start({ allowedHosts: ["datetime-mcp", "127.0.0.1"] });
    const port = new URL(server.url).port;
    const withHeaders = (headers: Record<string, string>) =>
      rawRequest(server.url, {
        method: "POST",
        headers: { ...MCP_POST_HEADERS, ...headers },
        body: INITIALIZE_BODY,
      });
    expect((await withHeaders({ host: `evil.example:${port}` })).status).toBe(403);
    expect((await withHeaders({ host: `localhost:${port}` })).status).toBe(403);
    expect((await withHeaders({ origin: "http://evil.example" })).status).toBe(403);
    expect((await withHeaders({ origin: "null" })).status).toBe(403);
    expect((await withHeaders({ host: `datetime-mcp:${port}` })).status).toBe(200);
    expect((await withHeaders({ origin: `http://127.0.0.1:${port}` })).status).toBe(200);
  });

  it("accepts any Host when the allow-list is '*'", async () => {
    const server = await start({ allowedHosts: ["*"] });
    const res = await rawRequest(server.url, {
      method: "POST",
      headers: { ...MCP_POST_HEADERS, host: "anything.example" },
      body: INITIALIZE_BODY,
    });
    expect(res.status).toBe(200);
  });

  it("close() ends open sessions and the listener and may be called twice", async () => {
    const server = await start();
    const client = await connectClient(server.url);
    await server.close();
    await server.close();
    await expect(rawRequest(server.url.replace("/mcp", "/healthz"), { method: "GET" })).rejects.toThrow();
    await client.close();
  });
});
