// The shell tool in-process over a real MCP transport: exit codes, merged output, timeouts and cancellation
// that kill the whole process group (grandchildren too), bounded output with a readable spill log, progress.
import { realpath } from "node:fs/promises";
import { afterEach, beforeEach, expect, it } from "vitest";
import {
  type InProcessToolhost,
  liveProcessesWith,
  makeSandbox,
  type Sandbox,
  startInProcess,
  textOf,
  uniqueSleep,
} from "./toolhost-harness.js";

let sandbox: Sandbox;
let host: InProcessToolhost;

beforeEach(async () => {
  sandbox = await makeSandbox();
  host = await startInProcess(sandbox.workspace, undefined, { timeout: 20, max: 30 });
});

afterEach(async () => {
  await host.close();
  await sandbox.remove();
});

it("reports exit code 0 with the output, in the workspace directory", async () => {
  const result = await host.call("shell", { command: "pwd; echo hello" });
  expect(result).toEqual({
    text: `${await realpath(sandbox.workspace)}\nhello\n\n[exit code 0]`,
    isError: false,
  });
});

it("reports exit 3 as 3 and a missing command as 127, both as errors", async () => {
  expect(await host.call("shell", { command: "exit 3" })).toEqual({
    text: "(no output)\n[exit code 3]",
    isError: true,
  });
  const missing = await host.call("shell", { command: "definitely-not-a-command-xyz" });
  expect(missing.isError).toBe(true);
  expect(missing.text).toMatch(/definitely-not-a-command-xyz: command not found\n\n\[exit code 127\]$/);
});

it("merges stdout and stderr in the order they were written, with stdin at /dev/null", async () => {
  const result = await host.call("shell", { command: "echo a; echo b >&2; echo c; cat; echo d >&2" });
  expect(result.text).toBe("a\nb\nc\nd\n\n[exit code 0]");
});

it("on timeout kills the whole group, grandchildren included, and says so", async () => {
  const [outer, inner] = [uniqueSleep(), uniqueSleep()];
  const result = await host.call("shell", {
    command: `(sleep ${inner} &); sleep ${outer}`,
    timeout_seconds: 1,
  });
  expect(result.isError).toBe(true);
  expect(result.text).toContain(
    "[Timed out after 1 s; the command and every process it started were killed.",
  );
  await expect
    .poll(() => liveProcessesWith(inner).length + liveProcessesWith(outer).length === 0, {
      timeout: 10_000,
      interval: 50,
    })
    .toBe(true);
});

it("kills a child that moved to its own process group (job control) on timeout", async () => {
  const marker = uniqueSleep();
  const result = await host.call("shell", { command: `set -m; sleep ${marker} & wait`, timeout_seconds: 1 });
  expect(result.text).toContain("Timed out after 1 s");
  await expect
    .poll(() => liveProcessesWith(marker).length === 0, { timeout: 10_000, interval: 50 })
    .toBe(true);
});

it("on cancellation (notifications/cancelled) kills the process group", async () => {
  const marker = uniqueSleep();
  const controller = new AbortController();
  const call = host.client.callTool(
    { name: "shell", arguments: { command: `echo started; sleep ${marker}` } },
    undefined,
    { signal: controller.signal, onprogress: () => controller.abort() },
  );
  await expect(call).rejects.toThrow();
  await expect
    .poll(() => liveProcessesWith(marker).length === 0, { timeout: 10_000, interval: 50 })
    .toBe(true);
});

it("streams output as progress notifications while the command runs", async () => {
  const messages: string[] = [];
  const result = await host.client.callTool(
    { name: "shell", arguments: { command: "for i in 1 2 3; do echo tick $i; sleep 0.2; done" } },
    undefined,
    { onprogress: (progress) => messages.push(progress.message ?? "") },
  );
  expect(textOf(result).text).toBe("tick 1\ntick 2\ntick 3\n\n[exit code 0]");
  expect(messages.length).toBeGreaterThan(0);
  expect(messages.join("")).toBe("tick 1\ntick 2\ntick 3\n");
});

it("keeps long output to head and tail and spills the full log where read_file can read it", async () => {
  const result = await host.call("shell", { command: "seq 1 100000" });
  expect(Buffer.byteLength(result.text)).toBeLessThanOrEqual(50_000);
  expect(result.text.startsWith("1\n2\n3\n")).toBe(true);
  expect(result.text).toMatch(/100000\n\n\[exit code 0\]$/);
  const log = /the full log is in (\.agent\/logs\/shell-[\w-]+\.log)/.exec(result.text)?.[1];
  expect(log).toBeDefined();
  const line = await host.call("read_file", { path: log as string, offset: 50000, limit: 1 });
  expect(line.text).toBe("50000\n\n[Showing lines 50000-50000 of 100000. Use offset=50001 to continue.]");
});

it("does not wait for background processes that hold the output, and stops them", async () => {
  const marker = uniqueSleep();
  const result = await host.call("shell", { command: `sleep ${marker} & echo started` });
  expect(result.text).toContain("started\n\n[exit code 0]");
  expect(result.text).toContain("Background processes still held the output");
  await expect
    .poll(() => liveProcessesWith(marker).length === 0, { timeout: 10_000, interval: 50 })
    .toBe(true);
});

it("clamps a timeout over the configured maximum and says so", async () => {
  const result = await host.call("shell", { command: "echo hi", timeout_seconds: 1000 });
  expect(result.text).toBe("hi\n\n[exit code 0]\n[timeout_seconds 1000 is over the maximum; 30 was used.]");
});

it("kills background processes that outlived their command when the toolhost is disposed", async () => {
  const marker = uniqueSleep();
  await host.call("shell", { command: `nohup sleep ${marker} > /dev/null 2>&1 &` });
  // The command returns as soon as it forked: the sleep may exec a moment later.
  await expect
    .poll(() => liveProcessesWith(marker).length === 1, { timeout: 10_000, interval: 50 })
    .toBe(true);
  await host.toolhost.dispose();
  await expect
    .poll(() => liveProcessesWith(marker).length === 0, { timeout: 10_000, interval: 50 })
    .toBe(true);
});
