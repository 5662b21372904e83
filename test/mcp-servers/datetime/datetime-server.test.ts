// datetime-mcp over real HTTP: the tool list with schemas, each tool's success and error results through a
// real MCP client with a fixed clock, and main.ts as a real process (env, /healthz, SIGTERM, bad config).

import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { createLogger, type RunningMcpServer, serveMcp } from "@ts-coding-agent/mcp-kit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { datetimeTools } from "../../../mcp-servers/datetime/src/datetime-tools.js";
import { callTool, connectClient, rawRequest, textOf } from "../support/mcp-client.js";
import { runToExit, spawnServer } from "../support/spawn-server.js";

const ENTRY = "mcp-servers/datetime/src/main.ts";

describe("datetime-mcp tools over HTTP", () => {
  let server: RunningMcpServer;
  let client: Client;

  beforeAll(async () => {
    server = await serveMcp({
      name: "datetime-mcp",
      version: "0.1.0",
      port: 0,
      host: "127.0.0.1",
      registerTools: datetimeTools({
        now: () => new Date("2024-01-15T12:00:00Z"),
        localTimezone: "Europe/Paris",
      }),
      logger: createLogger("test", "silent"),
    });
    client = await connectClient(server.url);
  });

  afterAll(async () => {
    await client?.close();
    await server?.close();
  });

  it("lists the three tools with input and output schemas and the local zone hint", async () => {
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name).sort()).toEqual([
      "convert_time",
      "get_current_datetime",
      "get_current_time",
    ]);
    const convert = tools.find((t) => t.name === "convert_time");
    expect(convert?.inputSchema.required).toEqual(["source_timezone", "time", "target_timezone"]);
    expect(Object.keys(convert?.outputSchema?.properties ?? {})).toEqual([
      "source",
      "target",
      "time_difference",
    ]);
    const current = tools.find((t) => t.name === "get_current_time");
    expect(JSON.stringify(current?.inputSchema)).toContain("Europe/Paris");
    expect(current?.annotations?.readOnlyHint).toBe(true);
  });

  it("get_current_datetime returns the fixed clock in UTC", async () => {
    const result = await callTool(client, "get_current_datetime", {});
    expect(result.isError).toBeFalsy();
    expect(textOf(result)).toBe("2024-01-15T12:00:00Z");
    expect(result.structuredContent).toEqual({ datetime: "2024-01-15T12:00:00Z" });
  });

  it("get_current_time returns the reference's fields as JSON text and structuredContent", async () => {
    const result = await callTool(client, "get_current_time", { timezone: "Asia/Kathmandu" });
    const expected = {
      timezone: "Asia/Kathmandu",
      datetime: "2024-01-15T17:45:00+05:45",
      day_of_week: "Monday",
      is_dst: false,
    };
    expect(result.isError).toBeFalsy();
    expect(result.structuredContent).toEqual(expected);
    expect(JSON.parse(textOf(result))).toEqual(expected);
  });

  it("convert_time converts across fractional offsets", async () => {
    const result = await callTool(client, "convert_time", {
      source_timezone: "America/St_Johns",
      time: "12:00",
      target_timezone: "Asia/Kathmandu",
    });
    expect(result.isError).toBeFalsy();
    expect(result.structuredContent).toMatchObject({
      source: { datetime: "2024-01-15T12:00:00-03:30" },
      target: { datetime: "2024-01-15T21:15:00+05:45" },
      time_difference: "+9.25h",
    });
  });

  it("returns isError results for an invalid zone, a bad time and missing or empty arguments", async () => {
    const badZone = await callTool(client, "get_current_time", { timezone: "Mars/Olympus" });
    expect(badZone.isError).toBe(true);
    expect(textOf(badZone)).toMatch(/^Invalid timezone: 'Mars\/Olympus'/);

    const badTime = await callTool(client, "convert_time", {
      source_timezone: "UTC",
      time: "25:99",
      target_timezone: "Asia/Tokyo",
    });
    expect(badTime.isError).toBe(true);
    expect(textOf(badTime)).toBe("Invalid time format. Expected HH:MM [24-hour format]");

    const empty = await callTool(client, "get_current_time", { timezone: "" });
    expect(empty.isError).toBe(true);
    expect(textOf(empty)).toBe("Missing required argument: timezone");

    const missing = await callTool(client, "convert_time", { source_timezone: "UTC", time: "10:00" });
    expect(missing.isError).toBe(true);
    expect(textOf(missing)).toContain("target_timezone");

    const wrongType = await callTool(client, "get_current_time", { timezone: 42 });
    expect(wrongType.isError).toBe(true);
  });
});

describe("datetime-mcp main.ts as a process", () => {
  it("starts from the environment, serves /healthz and tools, and exits 0 on SIGTERM", async () => {
    const spawned = await spawnServer(ENTRY, { MCP_AUTH_TOKEN: "tok" });
    try {
      const health = await rawRequest(`${spawned.baseUrl}/healthz`, { method: "GET" });
      expect(JSON.parse(health.body)).toMatchObject({ status: "ok", name: "datetime-mcp" });
      const client = await connectClient(`${spawned.baseUrl}/mcp`, "tok");
      const result = await callTool(client, "get_current_time", { timezone: "UTC" });
      expect(result.structuredContent).toMatchObject({ timezone: "UTC", is_dst: false });
      await client.close();
    } finally {
      spawned.child.kill("SIGTERM");
    }
    expect(await spawned.exited).toBe(0);
    expect(spawned.output()).toContain("shutting down");
  });

  it("exits 2 naming the variable when the environment is invalid", async () => {
    const { code, output } = await runToExit(ENTRY, { PORT: "not-a-port", HOST: "127.0.0.1" });
    expect(code).toBe(2);
    expect(output).toContain("PORT=");
  });
});
