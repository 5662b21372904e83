// SIGTERM (docker compose stop) or SIGHUP (terminal closed) ends the REPL through its normal exit path:
// exit 130 and the sandbox's toolhost is gone, instead of a process killed with its sandbox left behind.
import { spawn } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, expect, it } from "vitest";
import { agentArgs, agentEnv, repoRoot } from "../support/run-agent.js";
import { ScriptedLlm } from "../support/scripted-llm.js";

let llm: ScriptedLlm;
beforeEach(async () => {
  llm = await ScriptedLlm.start();
});
afterEach(async () => {
  await llm.close();
});

it.each(["SIGTERM", "SIGHUP"] as const)(
  "%s ends the REPL with exit 130 and stops the toolhost",
  async (signal) => {
    const workspace = mkdtempSync(join(tmpdir(), `agent-ws-${signal}-`));
    llm.enqueue({ toolCalls: [{ name: "list_files", arguments: {} }] }, { text: "listed" });
    const child = spawn(process.execPath, agentArgs(["--workspace", workspace, "--sandbox", "local"]), {
      env: agentEnv({ baseURL: llm.baseURL }),
      cwd: repoRoot,
      stdio: ["pipe", "pipe", "pipe"],
    });
    let stdout = "";
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    const exited = new Promise<number | null>((resolve) => child.on("close", (code) => resolve(code)));
    child.stdin.write("list the files\n"); // stdin stays open: the REPL waits for more
    await expect.poll(() => stdout.includes("listed"), { timeout: 15_000 }).toBe(true);
    expect(toolhostsFor(workspace)).toHaveLength(1);
    child.kill(signal);
    expect(await exited).toBe(130);
    await expect.poll(() => toolhostsFor(workspace).length, { timeout: 15_000 }).toBe(0);
  },
);

function toolhostsFor(workspace: string): string[] {
  return readdirSync("/proc").filter((pid) => {
    if (!/^\d+$/.test(pid)) return false;
    try {
      const cmdline = readFileSync(`/proc/${pid}/cmdline`, "utf8");
      return cmdline.includes("toolhost") && cmdline.includes(workspace);
    } catch {
      return false;
    }
  });
}
