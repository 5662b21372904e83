// `agent mcp --http` with the Docker sandbox: each client session gets its own hardened container, which is
// stopped when that session ends; a sandbox that cannot start is a clear error, not a dead server.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  buildTestImage,
  docker,
  removeDir,
  requireDocker,
  sandboxDir,
  TEST_IMAGE,
} from "../sandbox/docker-support.js";
import {
  type HttpAgent,
  httpClient,
  type McpFixture,
  mcpFixture,
  startHttpAgent,
  stdioClient,
  textOf,
} from "./support.js";

let fixture: McpFixture;
let agent: HttpAgent | undefined;
const clients: Client[] = [];

beforeAll(async () => {
  await requireDocker();
  await buildTestImage();
  const workspace = await sandboxDir("mcp-serve-docker-ws-");
  fixture = {
    ...mcpFixture({ AGENT_MCP_TOKEN: "docker-token-0123456789abcdef", SANDBOX_IMAGE: TEST_IMAGE }),
    workspace,
  };
}, 900_000);

afterAll(async () => {
  await Promise.all(clients.map((c) => c.close().catch(() => undefined)));
  await agent?.stop();
  await removeDir(fixture?.workspace);
});

/** The container a session's tools run in (its hostname is the container's short id). */
async function containerOf(client: Client): Promise<string> {
  const result = await client.callTool({ name: "shell", arguments: { command: "hostname" } });
  return textOf(result).trim().split("\n")[0] ?? "";
}

async function gone(id: string): Promise<boolean> {
  try {
    const info = await docker.getContainer(id).inspect();
    return !info.State.Running && info.State.Status !== "created";
  } catch {
    return true;
  }
}

async function waitGone(id: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (!(await gone(id))) {
    if (Date.now() > deadline) throw new Error(`container ${id} still runs`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

describe("agent mcp with the Docker sandbox", () => {
  it("runs each session's tools in its own container and stops it when the session ends", async () => {
    agent = await startHttpAgent(fixture, [], "docker");
    const token = fixture.env.AGENT_MCP_TOKEN;
    const first = await httpClient(agent.url, token);
    const second = await httpClient(agent.url, token);
    clients.push(first, second);

    const written = await first.callTool({
      name: "write_file",
      arguments: { path: "in-docker.txt", content: "c\n" },
    });
    expect(written.isError).toBe(false);
    expect(readFileSync(join(fixture.workspace, "in-docker.txt"), "utf8")).toBe("c\n");
    const [firstContainer, secondContainer] = await Promise.all([containerOf(first), containerOf(second)]);
    expect(firstContainer).toMatch(/^[0-9a-f]{12}$/);
    expect(secondContainer).toMatch(/^[0-9a-f]{12}$/);
    expect(firstContainer).not.toBe(secondContainer);
    expect((await docker.getContainer(firstContainer).inspect()).Config.Image).toBe(TEST_IMAGE);

    const transport = first.transport as { terminateSession?: () => Promise<void> } | undefined;
    await transport?.terminateSession?.();
    await waitGone(firstContainer);
    expect(await gone(secondContainer)).toBe(false);

    expect(await agent.stop()).toBe(0);
    agent = undefined;
    await waitGone(secondContainer);
  }, 300_000);

  it("answers tools/list with the reason when the sandbox cannot start, and still serves artifacts", async () => {
    const broken = {
      ...fixture,
      env: { ...fixture.env, SANDBOX_IMAGE: "ts-coding-agent:no-such-image-for-mcp" },
    };
    const client = await stdioClient(broken, "docker");
    clients.push(client);
    await expect(client.listTools()).rejects.toThrow(/no-such-image-for-mcp/);
    const { resources } = await client.listResources();
    expect(resources).toEqual([]);
  }, 120_000);
});
