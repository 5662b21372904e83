// `agent mcp --http` with the official MCP SDK client over Streamable HTTP: the bearer token (missing or wrong:
// 401; generated and shown once when unset; required beyond loopback), tools, skills and artifacts, and one
// sandbox per session that stops when its session ends.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { afterEach, describe, expect, it } from "vitest";
import { runAgent } from "../support/run-agent.js";
import { alive, type HttpAgent, httpClient, mcpFixture, startHttpAgent, TOKEN, textOf } from "./support.js";

const clients: Client[] = [];
let agent: HttpAgent | undefined;
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close().catch(() => undefined)));
  await agent?.stop();
  agent = undefined;
});

async function connect(url: string, token?: string): Promise<Client> {
  const client = await httpClient(url, token);
  clients.push(client);
  return client;
}

const initialize = {
  jsonrpc: "2.0",
  id: 1,
  method: "initialize",
  params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "raw", version: "1" } },
};

function post(url: string, headers: Record<string, string>): Promise<Response> {
  return fetch(url, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      accept: "application/json, text/event-stream",
      ...headers,
    },
    body: JSON.stringify(initialize),
  });
}

/** The pid of the toolhost serving this client: the parent of the shell it runs. */
async function toolhostPid(client: Client): Promise<number> {
  const result = await client.callTool({ name: "shell", arguments: { command: "echo toolhost=$PPID" } });
  return Number(/toolhost=(\d+)/.exec(textOf(result))?.[1]);
}

describe("agent mcp --http", () => {
  it("refuses a request without the bearer token, or with a wrong one, with 401", async () => {
    agent = await startHttpAgent(mcpFixture({ AGENT_MCP_TOKEN: TOKEN }));
    const none = await post(agent.url, {});
    expect(none.status).toBe(401);
    expect(none.headers.get("www-authenticate")).toMatch(/^Bearer/);
    expect(JSON.stringify(await none.json())).toContain("Authorization: Bearer <AGENT_MCP_TOKEN>");
    expect((await post(agent.url, { authorization: "Bearer wrong-token-0123456789" })).status).toBe(401);
    expect((await post(agent.url, { authorization: TOKEN })).status).toBe(401);
    await expect(connect(agent.url, "wrong-token-0123456789")).rejects.toThrow();
    // The token from the environment is never printed.
    expect(agent.stderr()).not.toContain(TOKEN);
    expect((await post(agent.url, { authorization: `Bearer ${TOKEN}` })).status).toBe(200);
  }, 60_000);

  it("generates a token and shows it once on stderr when AGENT_MCP_TOKEN is unset", async () => {
    const started = await startHttpAgent(mcpFixture());
    agent = started;
    const tokenLine = () => /bearer token \(generated.*\): (\S+)\n/.exec(started.stderr())?.[1];
    await waitFor(() => tokenLine() !== undefined);
    const token = tokenLine() ?? "";
    expect(token.length).toBeGreaterThanOrEqual(32);
    expect((await post(agent.url, {})).status).toBe(401);
    const client = await connect(agent.url, token);
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name)).toContain("read_file");
  }, 60_000);

  it("will not listen beyond loopback without AGENT_MCP_TOKEN, nor take a short token", async () => {
    const fixture = mcpFixture();
    const wide = await runAgent(
      ["mcp", "--http", "--host", "0.0.0.0", "--workspace", fixture.workspace],
      fixture.env,
    );
    expect(wide.code).toBe(2);
    expect(wide.stderr).toMatch(/listens beyond this machine: set AGENT_MCP_TOKEN/);
    const short = await runAgent(["mcp", "--http", "--workspace", fixture.workspace], {
      ...fixture.env,
      AGENT_MCP_TOKEN: "short",
    });
    expect(short.code).toBe(2);
    expect(short.stderr).toMatch(/Invalid AGENT_MCP_TOKEN: expected at least 16 characters/);
    const stray = await runAgent(["mcp", "--port", "80"], fixture.env);
    expect(stray.code).toBe(2);
    expect(stray.stderr).toMatch(/--port and --host need --http/);
    const notMcp = await runAgent(["--http"], fixture.env);
    expect(notMcp.code).toBe(2);
    expect(notMcp.stderr).toMatch(/work with agent mcp only/);
  }, 60_000);

  it("is described in agent --help", async () => {
    const help = await runAgent(["--help"], mcpFixture().env);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/agent mcp \[--http\]/);
    expect(help.stdout).toMatch(/--port <n> +with mcp --http/);
  }, 30_000);

  it("serves file tools, approved skills and artifacts to an authorised client", async () => {
    const fixture = mcpFixture({ AGENT_MCP_TOKEN: TOKEN });
    writeFileSync(join(fixture.workspace, ".agent", "artifacts", "summary.md"), "# Summary\n");
    agent = await startHttpAgent(fixture);
    const client = await connect(agent.url);
    const written = await client.callTool({
      name: "write_file",
      arguments: { path: "h.txt", content: "http\n" },
    });
    expect(written.isError).toBe(false);
    expect(textOf(await client.callTool({ name: "read_file", arguments: { path: "h.txt" } }))).toContain(
      "http",
    );
    const skill = await client.callTool({ name: "skill__hello", arguments: { text: "over http" } });
    expect(textOf(skill)).toContain("over http");
    const { resources } = await client.listResources();
    expect(resources.map((r) => r.uri)).toEqual(["artifact:///summary.md"]);
    const read = await client.readResource({ uri: "artifact:///summary.md" });
    expect(read.contents[0]).toMatchObject({ mimeType: "text/markdown", text: "# Summary\n" });
  }, 60_000);

  it("gives each session its own sandbox and stops it when that session ends", async () => {
    agent = await startHttpAgent(mcpFixture({ AGENT_MCP_TOKEN: TOKEN }));
    const first = await connect(agent.url);
    const second = await connect(agent.url);
    const [firstPid, secondPid] = await Promise.all([toolhostPid(first), toolhostPid(second)]);
    expect(firstPid).toBeGreaterThan(0);
    expect(secondPid).toBeGreaterThan(0);
    expect(firstPid).not.toBe(secondPid);
    // A process the first session started belongs to its sandbox alone.
    const started = await first.callTool({
      name: "shell",
      arguments: { command: "sleep 300 >/dev/null 2>&1 & echo sleeper=$!" },
    });
    const sleeper = Number(/sleeper=(\d+)/.exec(textOf(started))?.[1]);
    expect(alive(sleeper)).toBe(true);

    // DELETE /mcp ends the first session: its toolhost exits, the second one keeps working.
    const transport = first.transport as { terminateSession?: () => Promise<void> } | undefined;
    await transport?.terminateSession?.();
    await waitFor(() => !alive(firstPid) && !alive(sleeper));
    expect(alive(secondPid)).toBe(true);
    expect(await toolhostPid(second)).toBe(secondPid);

    // Stopping the server stops every sandbox.
    expect(await agent.stop()).toBe(0);
    agent = undefined;
    await waitFor(() => !alive(secondPid));
  }, 90_000);
});

async function waitFor(condition: () => boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
