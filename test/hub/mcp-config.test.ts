// Tests for mcp.json loading: the mcpServers format (http and stdio), missing file, and clear errors that
// name the file and the entry for every kind of bad input.
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { loadMcpConfig, McpConfigError, parseMcpConfig } from "../../agent/src/hub/mcp-config.js";

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "mcp-config-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function configFile(content: string): Promise<string> {
  const file = join(dir, "mcp.json");
  await writeFile(file, content);
  return file;
}

async function errorOf(content: unknown): Promise<McpConfigError> {
  const file = await configFile(typeof content === "string" ? content : JSON.stringify(content));
  const error = await loadMcpConfig(file).catch((caught: unknown) => caught);
  if (!McpConfigError.isInstance(error)) throw new Error(`expected McpConfigError, got ${String(error)}`);
  return error;
}

describe("loadMcpConfig", () => {
  it("reads http and stdio entries in the mcpServers format", async () => {
    const file = await configFile(
      JSON.stringify({
        mcpServers: {
          datetime: { url: "http://datetime-mcp:50051/mcp" },
          secured: { type: "http", url: "https://example.test/mcp", headers: { Authorization: "Bearer t" } },
          files: { command: "npx", args: ["-y", "some-server"], env: { ROOT: "/workspace" }, cwd: "/tmp" },
        },
      }),
    );
    expect(await loadMcpConfig(file)).toEqual([
      { name: "datetime", transport: "http", url: "http://datetime-mcp:50051/mcp", headers: {} },
      {
        name: "secured",
        transport: "http",
        url: "https://example.test/mcp",
        headers: { Authorization: "Bearer t" },
      },
      {
        name: "files",
        transport: "stdio",
        command: "npx",
        args: ["-y", "some-server"],
        env: { ROOT: "/workspace" },
        cwd: "/tmp",
      },
    ]);
  });

  it("treats a missing file as no servers", async () => {
    expect(await loadMcpConfig(join(dir, "absent.json"))).toEqual([]);
  });

  it("skips disabled entries and ignores keys other clients add", async () => {
    const file = await configFile(
      JSON.stringify({
        mcpServers: {
          off: { url: "http://a/mcp", disabled: true },
          on: { url: "http://b/mcp", autoApprove: [] },
        },
      }),
    );
    expect((await loadMcpConfig(file)).map((server) => server.name)).toEqual(["on"]);
  });

  it("rejects a file that is not JSON, naming the file", async () => {
    const error = await errorOf("{ not json");
    expect(error.message).toContain(join(dir, "mcp.json"));
    expect(error.message).toContain("not valid JSON");
    expect(error.entry).toBeUndefined();
  });

  it("rejects a document without mcpServers", async () => {
    const error = await errorOf({ servers: {} });
    expect(error.message).toContain('expected {"mcpServers"');
  });

  it("rejects an entry with neither url nor command, naming the entry", async () => {
    const error = await errorOf({
      mcpServers: { good: { url: "http://a/mcp" }, broken: { uri: "http://x" } },
    });
    expect(error.entry).toBe("broken");
    expect(error.message).toContain("mcpServers.broken");
    expect(error.message).toContain('needs either "url"');
  });

  it("rejects an entry with both url and command", async () => {
    const error = await errorOf({ mcpServers: { both: { url: "http://a/mcp", command: "x" } } });
    expect(error.message).toContain("either url or command, not both");
  });

  it("rejects a url that is not http(s) and a command that is not a string", async () => {
    expect((await errorOf({ mcpServers: { ftp: { url: "ftp://a/mcp" } } })).message).toContain("http://");
    expect((await errorOf({ mcpServers: { num: { command: 42 } } })).message).toContain("command");
  });

  it("rejects env values that are not strings", async () => {
    const error = await errorOf({ mcpServers: { s: { command: "x", env: { PORT: 3000 } } } });
    expect(error.entry).toBe("s");
    expect(error.message).toContain("env.PORT");
  });

  it("rejects server names that would break tool namespacing or take the toolhost's name", async () => {
    expect((await errorOf({ mcpServers: { a__b: { url: "http://a/mcp" } } })).message).toContain("'__'");
    expect((await errorOf({ mcpServers: { "a b": { url: "http://a/mcp" } } })).message).toContain(
      "bad server name",
    );
    expect((await errorOf({ mcpServers: { toolhost: { url: "http://a/mcp" } } })).message).toContain(
      "reserved",
    );
  });

  it("rejects a type that contradicts the entry", async () => {
    const error = await errorOf({ mcpServers: { x: { type: "stdio", url: "http://a/mcp" } } });
    expect(error.message).toContain('type is "stdio"');
  });

  it("reports a directory given as the config file as unreadable", async () => {
    const error = await loadMcpConfig(dir).catch((caught: unknown) => caught);
    expect(McpConfigError.isInstance(error)).toBe(true);
    expect((error as Error).message).toContain("cannot read");
  });
});

describe("parseMcpConfig", () => {
  it("accepts an empty server map", () => {
    expect(parseMcpConfig({ mcpServers: {} }, "inline")).toEqual([]);
  });
});
