// Tests for the local sandbox launcher: a clean environment, the workspace as cwd, no stray processes, clear
// errors; and the hub against the real toolhost (mcp-servers/toolhost/src/main.ts) launched from source.
import { mkdir, mkdtemp, readFile, realpath, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { ToolHub } from "../../agent/src/hub/tool-hub.js";
import { SandboxError } from "../../agent/src/sandbox/launcher.js";
import { LocalLauncher } from "../../agent/src/sandbox/local.js";
import { resolveToolhostCommand } from "../../agent/src/sandbox/toolhost-command.js";
import { fixtureCommand, isAlive } from "../fixtures/mcp/fixture-process.js";

let workspace: string;
const cleanups: Array<() => Promise<void>> = [];
const options = () => ({ signal: new AbortController().signal });

beforeAll(async () => {
  workspace = await mkdtemp(join(tmpdir(), "local-sandbox-"));
  process.env.LOCAL_SANDBOX_SECRET = "must-not-leak";
});
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});
afterAll(async () => {
  delete process.env.LOCAL_SANDBOX_SECRET;
  await rm(workspace, { recursive: true, force: true });
});

/** node_modules/@ts-coding-agent/toolhost under root, as npm links a workspace package; returns its directory. */
async function fakeToolhostPackage(root: string): Promise<string> {
  const packageDir = join(root, "node_modules/@ts-coding-agent/toolhost");
  await mkdir(packageDir, { recursive: true });
  const exports = { ".": "./dist/index.js", "./package.json": "./package.json" };
  await writeFile(
    join(packageDir, "package.json"),
    JSON.stringify({ name: "@ts-coding-agent/toolhost", exports }),
  );
  return packageDir;
}

async function connect(launcher: LocalLauncher): Promise<Client> {
  const handle = await launcher.launch();
  const client = new Client({ name: "test", version: "1.0.0" });
  await client.connect(handle.transport);
  cleanups.push(() => launcher.dispose());
  return client;
}

async function call(client: Client, name: string): Promise<string> {
  const result = await client.callTool({ name, arguments: {} });
  const [first] = result.content as Array<{ type: string; text: string }>;
  return first?.text ?? "";
}

describe("LocalLauncher", () => {
  it("starts the toolhost with PATH, HOME and LANG only, in the workspace", async () => {
    const client = await connect(new LocalLauncher({ workspace, command: fixtureCommand() }));
    expect(await call(client, "env")).toBe("HOME,LANG,PATH");
    expect(await call(client, "cwd")).toBe(workspace);
  });

  it("dispose kills the toolhost and the processes it started, and can be repeated", async () => {
    const launcher = new LocalLauncher({ workspace, command: fixtureCommand() });
    const client = await connect(launcher);
    const grandchild = Number(await call(client, "spawn_child"));
    const toolhost = launcher.pid ?? 0;
    expect(isAlive(grandchild) && isAlive(toolhost)).toBe(true);
    await launcher.dispose();
    await launcher.dispose();
    await expect
      .poll(() => !isAlive(grandchild) && !isAlive(toolhost), { timeout: 10_000, interval: 50 })
      .toBe(true);
  });

  it("stops the previous toolhost when launching a new one", async () => {
    const launcher = new LocalLauncher({ workspace, command: fixtureCommand() });
    await connect(launcher);
    const first = launcher.pid ?? 0;
    await connect(launcher);
    expect(launcher.pid).not.toBe(first);
    await expect.poll(() => !isAlive(first), { timeout: 10_000, interval: 50 }).toBe(true);
  });

  it("refuses a workspace that does not exist, saying what to do", async () => {
    const launcher = new LocalLauncher({ workspace: join(workspace, "absent"), command: fixtureCommand() });
    const error = await launcher.launch().catch((caught: unknown) => caught);
    expect(SandboxError.isInstance(error)).toBe(true);
    expect((error as Error).message).toContain("--workspace");
  });

  it("reports a toolhost that cannot be executed when the client connects", async () => {
    const launcher = new LocalLauncher({
      workspace,
      command: { command: "/nonexistent/toolhost", args: [] },
    });
    const handle = await launcher.launch();
    const client = new Client({ name: "test", version: "1.0.0" });
    await expect(client.connect(handle.transport)).rejects.toThrow("cannot start /nonexistent/toolhost");
  });
});

describe("resolveToolhostCommand", () => {
  it("runs the TypeScript toolhost through an absolute tsx loader when running from source", () => {
    const { command, args } = resolveToolhostCommand({
      workspace: "/w",
      dynamicToolsDir: "/d",
      shellTimeoutSeconds: 30,
      shellMaxTimeoutSeconds: 90,
    });
    expect(command).toBe(process.execPath);
    expect(args.slice(0, 2)).toEqual(["--conditions=ts-coding-agent-source", "--import"]);
    expect(args[2]).toMatch(/^file:\/\/.*tsx/);
    expect(args[3]).toMatch(/mcp-servers\/toolhost\/src\/main\.ts$/);
    expect(args.slice(4)).toEqual([
      "--workspace",
      "/w",
      "--dynamic-tools",
      "/d",
      "--shell-timeout",
      "30",
      "--shell-max-timeout",
      "90",
    ]);
  });

  const failure = (moduleUrl: string): unknown => {
    try {
      resolveToolhostCommand({ workspace: "/w" }, moduleUrl);
    } catch (caught) {
      return caught;
    }
  };

  it("runs the built toolhost package with node when the agent is built", async () => {
    const root = await mkdtemp(join(tmpdir(), "toolhost-built-"));
    cleanups.push(() => rm(root, { recursive: true, force: true }));
    const packageDir = await fakeToolhostPackage(root);
    await mkdir(join(packageDir, "dist"));
    await writeFile(join(packageDir, "dist/main.js"), "");
    const moduleUrl = pathToFileURL(join(root, "agent/dist/sandbox/toolhost-command.js")).href;
    const { command, args } = resolveToolhostCommand({ workspace: "/w" }, moduleUrl);
    expect(command).toBe(process.execPath);
    expect(args).toEqual([join(await realpath(packageDir), "dist/main.js"), "--workspace", "/w"]);
  });

  it("asks for a build when the toolhost package is installed but not compiled", async () => {
    const root = await mkdtemp(join(tmpdir(), "toolhost-unbuilt-"));
    cleanups.push(() => rm(root, { recursive: true, force: true }));
    await fakeToolhostPackage(root);
    const error = failure(pathToFileURL(join(root, "agent/dist/sandbox/toolhost-command.js")).href);
    expect(SandboxError.isInstance(error)).toBe(true);
    expect((error as Error).message).toMatch(/toolhost is missing at .*dist\/main\.js; run `npm run build`/);
  });

  it("names the package and the fix when the toolhost package is not installed", () => {
    const error = failure("file:///nonexistent/dist/sandbox/toolhost-command.js");
    expect(SandboxError.isInstance(error)).toBe(true);
    expect((error as Error).message).toContain("@ts-coding-agent/toolhost is not installed");
    expect((error as Error).message).toContain("npm run build");
  });
});

describe("ToolHub with the real toolhost", () => {
  it("lists the built-ins, runs them in the workspace, and relaunches a toolhost that died", async () => {
    const launcher = new LocalLauncher({ workspace, shellTimeoutSeconds: 20, shellMaxTimeoutSeconds: 30 });
    const hub = new ToolHub({
      launcher,
      servers: [],
      toolhostConnectTimeoutMs: 30_000,
      shellMaxTimeoutMs: 30_000,
    });
    cleanups.push(() => hub.close());
    const names = (await hub.listTools()).map((tool) => tool.name);
    expect(names).toEqual(
      expect.arrayContaining(["list_files", "read_file", "write_file", "edit_file", "shell"]),
    );

    const written = await hub.callTool("write_file", { path: "notes.txt", content: "hello\n" }, options());
    expect(written.isError).toBe(false);
    expect(await readFile(join(workspace, "notes.txt"), "utf8")).toBe("hello\n");
    expect((await hub.callTool("read_file", { path: "notes.txt" }, options())).text).toContain("hello");

    const shell = await hub.callTool("shell", { command: "echo $LOCAL_SANDBOX_SECRET-$HOME" }, options());
    expect(shell.text).not.toContain("must-not-leak");

    process.kill(launcher.pid ?? 0, "SIGKILL");
    await expect.poll(() => hub.status()[0]?.state === "down", { timeout: 10_000, interval: 50 }).toBe(true);
    const after = await hub.callTool("read_file", { path: "notes.txt" }, options());
    expect(after.text.split("\n")[0]).toContain(
      "The sandbox was restarted because the toolhost was killed by SIGKILL",
    );
    expect(after.text).toContain("hello");
  });

  it("routes a call made before anything listed the tools: the toolhost starts on the call", async () => {
    const hub = new ToolHub({ launcher: new LocalLauncher({ workspace }), servers: [] });
    cleanups.push(() => hub.close());
    const result = await hub.callTool("shell", { command: "echo first-call" }, options());
    expect(result.text).toContain("first-call");
    await expect(hub.callTool("no_such_tool", {}, options())).rejects.toThrow(/Unknown tool "no_such_tool"/);
  });
});
