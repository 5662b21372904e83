// The toolhost as a real child process over real stdio, started like the launcher will (an environment built
// from scratch): no secret reaches a command, a 200 MB flood stays bounded in memory, shutdown leaves nothing.
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { afterEach, beforeEach, expect, it } from "vitest";
import {
  liveProcessesWith,
  MAIN_TS,
  makeSandbox,
  type Sandbox,
  textOf,
  uniqueSleep,
} from "./toolhost-harness.js";

const CANARY = "TOOLHOST_TEST_CANARY";

let sandbox: Sandbox;
let clients: Client[] = [];

beforeEach(async () => {
  sandbox = await makeSandbox();
});

afterEach(async () => {
  await Promise.all(clients.map((client) => client.close().catch(() => undefined)));
  clients = [];
  delete process.env[CANARY];
  await sandbox.remove();
});

// The environment the launcher builds: PATH, HOME and LANG, nothing from the agent.
const cleanEnv = (): Record<string, string> => ({
  PATH: process.env.PATH ?? "/usr/bin:/bin",
  HOME: sandbox.workspace,
  LANG: "C.UTF-8",
});

async function spawnToolhost(): Promise<{ client: Client; transport: StdioClientTransport; pid: number }> {
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [
      "--conditions=ts-coding-agent-source",
      "--import",
      "tsx",
      MAIN_TS,
      "--workspace",
      sandbox.workspace,
    ],
    env: cleanEnv(),
    stderr: "pipe",
  });
  const client = new Client({ name: "toolhost-process-test", version: "0.0.0" });
  await client.connect(transport);
  clients.push(client);
  return { client, transport, pid: transport.pid as number };
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2)[0] !== "Z";
  } catch {
    return false;
  }
}

function runMain(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      ["--conditions=ts-coding-agent-source", "--import", "tsx", MAIN_TS, ...args],
      {
        env: cleanEnv(),
        stdio: ["pipe", "pipe", "pipe"],
      },
    );
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk) => {
      stdout += chunk;
    });
    child.stderr.on("data", (chunk) => {
      stderr += chunk;
    });
    child.once("close", (code) => resolve({ code, stdout, stderr }));
  });
}

it("commands see none of the agent's environment, only the clean one plus pager settings", async () => {
  process.env[CANARY] = "agent-secret-value";
  const { client } = await spawnToolhost();
  const result = textOf(await client.callTool({ name: "shell", arguments: { command: "env" } }));
  expect(result.isError).toBe(false);
  expect(result.text).not.toContain(CANARY);
  expect(result.text).not.toContain("agent-secret-value");
  for (const expected of ["TERM=dumb", "PAGER=cat", "GIT_PAGER=cat", "NO_COLOR=1", "LANG=C.UTF-8"]) {
    expect(result.text).toContain(expected);
  }
});

it("a 200 MB output flood returns a bounded result and the toolhost's memory stays bounded", async () => {
  const { client, pid } = await spawnToolhost();
  const result = textOf(
    await client.callTool(
      { name: "shell", arguments: { command: "head -c 200000000 /dev/zero | tr '\\0' 'a' | fold -w 100" } },
      undefined,
      { timeout: 120_000 },
    ),
  );
  expect(result.isError).toBe(false);
  expect(Buffer.byteLength(result.text)).toBeLessThan(52 * 1024);
  expect(result.text).toContain("[Output was 192.");
  const peakKb = Number(/VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1]);
  expect(peakKb).toBeGreaterThan(0);
  expect(peakKb).toBeLessThan(200 * 1024);
}, 150_000);

it("closing stdin (the agent went away, /bye) kills running commands and the toolhost exits", async () => {
  const { client, pid } = await spawnToolhost();
  const marker = uniqueSleep();
  const running = client.callTool(
    { name: "shell", arguments: { command: `echo go; sleep ${marker}` } },
    undefined,
    {
      onprogress: () => undefined,
    },
  );
  running.catch(() => undefined);
  await expect
    .poll(() => liveProcessesWith(marker).length === 1, { timeout: 10_000, interval: 50 })
    .toBe(true);
  await client.close();
  await expect
    .poll(() => liveProcessesWith(marker).length === 0 && !alive(pid), { timeout: 10_000, interval: 50 })
    .toBe(true);
});

it("SIGINT (Ctrl-C) kills running commands, grandchildren included, and the toolhost exits", async () => {
  const { client, pid } = await spawnToolhost();
  const [outer, inner] = [uniqueSleep(), uniqueSleep()];
  const running = client.callTool({
    name: "shell",
    arguments: { command: `(sleep ${inner} &); sleep ${outer}` },
  });
  running.catch(() => undefined);
  await expect
    .poll(() => liveProcessesWith(outer).length === 1 && liveProcessesWith(inner).length === 1, {
      timeout: 10_000,
      interval: 50,
    })
    .toBe(true);
  process.kill(pid, "SIGINT");
  await expect
    .poll(() => liveProcessesWith(outer).length + liveProcessesWith(inner).length === 0 && !alive(pid), {
      timeout: 10_000,
      interval: 50,
    })
    .toBe(true);
});

it("bad arguments print a usage message on stderr, nothing on stdout, and exit 2", async () => {
  const missing = await runMain([]);
  expect(missing.code).toBe(2);
  expect(missing.stdout).toBe("");
  expect(missing.stderr).toContain("--workspace DIR is required");
  expect(missing.stderr).toContain("usage: toolhost --workspace DIR");
  const unknown = await runMain(["--workspace", sandbox.workspace, "--bogus"]);
  expect(unknown.code).toBe(2);
  expect(unknown.stderr).toContain("Unknown option '--bogus'");
  const timeouts = await runMain(["--workspace", sandbox.workspace, "--shell-timeout", "900"]);
  expect(timeouts.code).toBe(2);
  expect(timeouts.stderr).toContain("--shell-timeout must not be larger than --shell-max-timeout");
  const noDir = await runMain(["--workspace", `${sandbox.root}/missing`]);
  expect(noDir.code).toBe(2);
  expect(noDir.stderr).toContain("does not exist; create it first");
});
