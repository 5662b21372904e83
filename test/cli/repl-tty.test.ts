// The REPL on a real pseudo terminal: Ctrl-C aborts the running turn (the HTTP request and the tools), the
// next prompt works, and Ctrl-C twice within a second exits 130.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { PtySession } from "../support/pty.js";
import { agentArgs, agentEnv, repoRoot } from "../support/run-agent.js";
import { ScriptedLlm } from "../support/scripted-llm.js";

let llm: ScriptedLlm;
let pty: PtySession | undefined;
let workspace: string;
beforeEach(async () => {
  llm = await ScriptedLlm.start();
  workspace = mkdtempSync(join(tmpdir(), "agent-ws-"));
});
afterEach(async () => {
  pty?.kill();
  await llm.close();
});

function start(extraEnv: Record<string, string> = {}): PtySession {
  const env = { ...agentEnv({ baseURL: llm.baseURL, env: extraEnv }), TERM: "xterm-256color" };
  delete (env as Record<string, string | undefined>).NO_COLOR;
  return new PtySession(
    process.execPath,
    agentArgs(["--workspace", workspace, "--sandbox", "local"]),
    env,
    repoRoot,
  );
}

describe("REPL on a terminal", () => {
  it("Ctrl-C aborts a hanging LLM request, the next prompt works, and Ctrl-C twice exits 130", async () => {
    llm.enqueue({ kind: "hang" }, { text: "Second answer arrives." });
    pty = start();
    await pty.waitFor(/\/help for commands/);
    pty.type("first question\r");
    await expect.poll(() => llm.requests.length, { timeout: 15_000 }).toBe(1);
    await pty.waitFor(/thinking · step 1\/30 · 0 tokens/); // the status line while the model works
    pty.type("\x03");
    await pty.waitFor(/Interrupted\./);
    await new Promise((resolve) => setTimeout(resolve, 1_100)); // not a double press
    pty.type("second question\r");
    await pty.waitFor(/Second answer arrives\./);
    pty.type("\x03");
    pty.type("\x03");
    expect(await pty.exited).toBe(130);
  });

  it("Ctrl-C stops a running shell command and its children", async () => {
    const marker = `sleep-marker-${Date.now()}`;
    llm.enqueue(
      {
        toolCalls: [
          { name: "shell", arguments: { command: `bash -c 'exec -a ${marker} sleep 300' & sleep 300` } },
        ],
      },
      { text: "after" },
    );
    pty = start();
    await pty.waitFor(/\/help for commands/);
    pty.type("run it\r");
    await expect.poll(() => processExists(marker), { timeout: 15_000 }).toBe(true);
    pty.type("\x03");
    await pty.waitFor(/Interrupted/);
    await expect.poll(() => processExists(marker), { timeout: 10_000 }).toBe(false);
    pty.type("/bye\r");
    expect(await pty.exited).toBe(0);
  });
});

describe("/key on a terminal", () => {
  it("reads a key typed after /key <provider> without echoing it, and keeps it out of the up-arrow history", async () => {
    const key = "sk-typed-HIDDENCANARY-98765";
    pty = start({
      LLM_MASTER_KEY: "pty test master key",
      DATA_DIR: mkdtempSync(join(tmpdir(), "agent-data-")),
    });
    await pty.waitFor(/\/help for commands/);
    pty.type("/key openai\r");
    await pty.waitFor(/Key for openai \(input hidden\): /);
    pty.type(`${key}\r`);
    await pty.waitFor(/Stored the key for openai \(sk-…8765\)/);
    pty.type("\u001b[A"); // up arrow: the previous line must not be the key
    pty.type("RECALLED"); // echoed once the up arrow has been handled: what it recalled is on screen by then
    await pty.waitFor(/RECALLED/);
    expect(pty.output).not.toContain(key);
    expect(pty.output).not.toContain("HIDDENCANARY");
    pty.type("\u0015/bye\r"); // Ctrl-U clears whatever the up arrow recalled
    expect(await pty.exited).toBe(0);
  });
});

async function processExists(name: string): Promise<boolean> {
  const { readdirSync, readFileSync } = await import("node:fs");
  for (const pid of readdirSync("/proc").filter((entry) => /^\d+$/.test(entry))) {
    try {
      if (readFileSync(`/proc/${pid}/cmdline`, "utf8").includes(name)) return true;
    } catch {
      // the process ended while we looked
    }
  }
  return false;
}
