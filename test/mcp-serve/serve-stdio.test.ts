// `agent mcp` on stdio, driven by the official MCP SDK client: the hub's tools, approved skills (and their
// revocation on edit) and artifacts are served; bad input gets clear errors; keys are scrubbed; stdout carries
// only protocol frames; the sandbox stops when the client goes away.
import { spawn } from "node:child_process";
import { appendFileSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { afterEach, describe, expect, it } from "vitest";
import { agentArgs, repoRoot } from "../support/run-agent.js";
import { alive, KNOWN_KEY, type McpFixture, mcpFixture, stdioClient, textOf } from "./support.js";

let client: Client | undefined;
afterEach(async () => {
  await client?.close();
  client = undefined;
});

async function connect(fixture: McpFixture): Promise<Client> {
  client = await stdioClient(fixture);
  return client;
}

describe("agent mcp on stdio", () => {
  it("lists the toolhost's built-ins and the approved skills as tools with JSON schemas", async () => {
    const c = await connect(mcpFixture());
    const { tools } = await c.listTools();
    const names = tools.map((tool) => tool.name);
    for (const name of ["list_files", "read_file", "write_file", "edit_file", "shell", "create_tool"]) {
      expect(names).toContain(name);
    }
    const hello = tools.find((tool) => tool.name === "skill__hello");
    expect(hello?.inputSchema).toMatchObject({
      type: "object",
      properties: { text: { type: "string" }, times: { type: "integer" }, dry_run: { type: "boolean" } },
      required: ["text"],
    });
  }, 60_000);

  it("writes and reads files in the workspace through the sandboxed file tools", async () => {
    const fixture = mcpFixture();
    const c = await connect(fixture);
    const written = await c.callTool({
      name: "write_file",
      arguments: { path: "notes/a.txt", content: "one\n" },
    });
    expect(written.isError).toBe(false);
    expect(readFileSync(join(fixture.workspace, "notes", "a.txt"), "utf8")).toBe("one\n");
    const read = await c.callTool({ name: "read_file", arguments: { path: "notes/a.txt" } });
    expect(read.isError).toBe(false);
    expect(textOf(read)).toContain("one");
  }, 60_000);

  it("runs an approved skill, and stops serving it once its code is edited (revoked until approved again)", async () => {
    const fixture = mcpFixture();
    const c = await connect(fixture);
    const ran = await c.callTool({ name: "skill__hello", arguments: { text: "hi", times: 2 } });
    expect(ran.isError).toBe(false);
    expect(textOf(ran)).toContain("hi\nhi");

    appendFileSync(join(fixture.skillsDir, "hello", "skill.ts"), "\n// edited after approval\n");
    const { tools } = await c.listTools();
    expect(tools.map((tool) => tool.name)).not.toContain("skill__hello");
    const refused = await c.callTool({ name: "skill__hello", arguments: { text: "hi" } });
    expect(refused.isError).toBe(true);
    expect(textOf(refused)).toMatch(/hello.*(edited since it was approved|approve)/is);
  }, 60_000);

  it("serves run_code, whose program calls the session's tools and approved skills back", async () => {
    const fixture = mcpFixture();
    writeFileSync(join(fixture.workspace, "n.txt"), "21\n");
    const c = await connect(fixture);
    const { tools } = await c.listTools();
    expect(tools.map((tool) => tool.name)).toContain("run_code");
    const code = `
const text = await tools.read_file({ path: "n.txt" });
const greeting = await skills.hello({ text: "from code" });
return { doubled: Number(text.match(/21/)[0]) * 2, greeted: greeting.includes("from code") };`;
    const result = await c.callTool({ name: "run_code", arguments: { code } });
    expect(result.isError, textOf(result)).toBe(false);
    expect(JSON.parse(textOf(result))).toEqual({ doubled: 42, greeted: true });
  }, 60_000);

  it("answers bad input with errors that say what to do", async () => {
    const c = await connect(mcpFixture());
    const missing = await c.callTool({ name: "read_file", arguments: {} });
    expect(missing.isError).toBe(true);
    expect(textOf(missing)).toMatch(/path/);
    const unknown = await c.callTool({ name: "read_fil", arguments: { path: "x" } });
    expect(unknown.isError).toBe(true);
    expect(textOf(unknown)).toMatch(/read_fil.*read_file/s);
    const badArg = await c.callTool({ name: "skill__hello", arguments: { text: "hi", times: "many" } });
    expect(badArg.isError).toBe(true);
    expect(textOf(badArg)).toMatch(/times must be a whole number[\s\S]*Usage: \/skill hello/);
    const outside = await c.callTool({ name: "read_file", arguments: { path: "/etc/passwd" } });
    expect(outside.isError).toBe(true);
    expect(textOf(outside)).toMatch(/outside the workspace/);
  }, 60_000);

  it("serves .agent/artifacts as resources, refusing bad names and symlinks", async () => {
    const fixture = mcpFixture();
    const artifacts = join(fixture.workspace, ".agent", "artifacts");
    writeFileSync(join(artifacts, "report.json"), '{"total":3}\n');
    writeFileSync(join(artifacts, "image.bin"), Buffer.from([0, 1, 2, 255]));
    writeFileSync(join(fixture.workspace, "outside.txt"), "not an artifact\n");
    symlinkSync(join(fixture.workspace, "outside.txt"), join(artifacts, "link.txt"));
    const c = await connect(fixture);
    const { resources } = await c.listResources();
    expect(resources.map((r) => r.uri).sort()).toEqual(["artifact:///image.bin", "artifact:///report.json"]);
    expect(resources.find((r) => r.name === "report.json")?.mimeType).toBe("application/json");

    const report = await c.readResource({ uri: "artifact:///report.json" });
    expect(report.contents[0]).toMatchObject({ mimeType: "application/json", text: '{"total":3}\n' });
    const image = await c.readResource({ uri: "artifact:///image.bin" });
    const blob = image.contents[0];
    expect(Buffer.from(blob && "blob" in blob ? blob.blob : "", "base64")).toEqual(
      Buffer.from([0, 1, 2, 255]),
    );

    await expect(c.readResource({ uri: "artifact:///link.txt" })).rejects.toThrow(/No artifact "link.txt"/);
    await expect(c.readResource({ uri: "artifact:///../outside.txt" })).rejects.toThrow(
      /Invalid artifact name/,
    );
    await expect(c.readResource({ uri: "file:///etc/passwd" })).rejects.toThrow(/Unknown resource/);
    await expect(c.readResource({ uri: "artifact:///missing.txt" })).rejects.toThrow(/No artifact/);
  }, 60_000);

  it("scrubs known keys from tool results and artifacts, as the REPL does", async () => {
    const fixture = mcpFixture();
    writeFileSync(join(fixture.workspace, "leak.txt"), `key=${KNOWN_KEY}\n`);
    writeFileSync(join(fixture.workspace, ".agent", "artifacts", "leak.txt"), `key=${KNOWN_KEY}\n`);
    const c = await connect(fixture);
    const read = await c.callTool({ name: "read_file", arguments: { path: "leak.txt" } });
    expect(textOf(read)).toContain("key=");
    expect(textOf(read)).not.toContain(KNOWN_KEY);
    const shell = await c.callTool({ name: "shell", arguments: { command: "cat leak.txt; echo done" } });
    expect(textOf(shell)).toContain("done");
    expect(textOf(shell)).not.toContain(KNOWN_KEY);
    const artifact = await c.readResource({ uri: "artifact:///leak.txt" });
    const content = artifact.contents[0];
    const text = content && "text" in content ? content.text : "";
    expect(text).toContain("[redacted]");
    expect(text).not.toContain(KNOWN_KEY);
  }, 60_000);

  it("streams a long shell command's output as progress notifications, with keys scrubbed", async () => {
    const fixture = mcpFixture();
    writeFileSync(join(fixture.workspace, "leak.txt"), `key=${KNOWN_KEY}\n`);
    const c = await connect(fixture);
    const messages: string[] = [];
    // Progress sent just before the result may be dropped by the client (the SDK dispatches notifications a
    // tick later than responses); the output a second before the end is reliably streamed.
    const result = await c.callTool(
      {
        name: "shell",
        arguments: { command: "echo first; sleep 1; cat leak.txt; sleep 1; echo middle; sleep 2; echo last" },
      },
      undefined,
      { onprogress: (progress) => messages.push(String(progress.message ?? "")) },
    );
    expect(result.isError).toBe(false);
    const streamed = messages.join("");
    expect(messages.length).toBeGreaterThan(0);
    expect(streamed).toContain("first");
    expect(streamed).toContain("key=[redacted]");
    expect(streamed).not.toContain(KNOWN_KEY);
    expect(textOf(result)).toContain("last");
  }, 60_000);
});

describe("agent mcp on stdio, raw", () => {
  it("writes only JSON-RPC frames to stdout and stops its sandbox when stdin ends", async () => {
    const fixture = mcpFixture({ LOG_LEVEL: "debug" });
    const child = spawn(
      process.execPath,
      agentArgs(["mcp", "--workspace", fixture.workspace, "--sandbox", "local"]),
      { env: fixture.env, cwd: repoRoot, stdio: ["pipe", "pipe", "pipe"] },
    );
    let stdout = "";
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
    const send = (message: object) => child.stdin.write(`${JSON.stringify(message)}\n`);
    const response = (id: number) =>
      new Promise<Record<string, unknown>>((resolve) => {
        const check = () => {
          for (const line of stdout.split("\n")) {
            if (line.trim() === "") continue;
            const message = JSON.parse(line) as Record<string, unknown>;
            if (message.id === id) return resolve(message);
          }
          child.stdout.once("data", check);
        };
        check();
      });
    send({
      jsonrpc: "2.0",
      id: 1,
      method: "initialize",
      params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "raw", version: "1" } },
    });
    await response(1);
    send({ jsonrpc: "2.0", method: "notifications/initialized" });
    // The toolhost is the shell's parent: its pid tells whether the sandbox is still running afterwards.
    send({
      jsonrpc: "2.0",
      id: 2,
      method: "tools/call",
      params: { name: "shell", arguments: { command: "echo toolhost=$PPID" } },
    });
    const call = (await response(2)) as { result: { content: Array<{ text: string }> } };
    const toolhostPid = Number(/toolhost=(\d+)/.exec(call.result.content[0]?.text ?? "")?.[1]);
    expect(toolhostPid).toBeGreaterThan(0);
    expect(alive(toolhostPid)).toBe(true);

    child.stdin.end();
    expect(await exited).toBe(0);
    expect(alive(toolhostPid)).toBe(false);
    const lines = stdout.split("\n").filter((line) => line.trim() !== "");
    expect(lines.length).toBe(2);
    for (const line of lines) expect(JSON.parse(line)).toMatchObject({ jsonrpc: "2.0" });
  }, 60_000);
});
