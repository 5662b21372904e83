// What the context costs, through the real CLI: /context part by part against the window the server reports,
// --json usage events carrying the window and the provider's cost, and the status line's share of the window.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { PtySession } from "../support/pty.js";
import { agentArgs, agentEnv, repoRoot, runAgent } from "../support/run-agent.js";
import { renderScreen } from "../support/screen.js";
import { ScriptedLlm } from "../support/scripted-llm.js";

let llm: ScriptedLlm;
let workspace: string;
let pty: PtySession | undefined;
beforeEach(async () => {
  llm = await ScriptedLlm.start();
  llm.models["gpt-4o-mini"] = { listed: { max_model_len: 8_192 } };
  workspace = mkdtempSync(join(tmpdir(), "agent-ws-"));
});
afterEach(async () => {
  pty?.kill();
  pty = undefined;
  await llm.close();
});

const env = (extra: Record<string, string> = {}) =>
  agentEnv({ baseURL: llm.baseURL, env: { CHECKPOINTS: "false", ...extra } });
const repl = (stdin: string) => runAgent(["--workspace", workspace, "--sandbox", "local"], env(), { stdin });

describe("/context", () => {
  it("shows each part against the server's window, and the session's tokens and reported cost", async () => {
    llm.enqueue({ text: "hello", usage: { prompt: 900, completion: 20, cost: 0.00123 } });
    const result = await repl("hi there\n/context\n");
    expect(result.code).toBe(0);
    const out = result.stdout;
    expect(out).toMatch(
      /Context: about [\d.]+k? of 8\.2k tokens \(\d+%\) · window: .*\/models max_model_len/,
    );
    for (const label of [
      "system prompt",
      "project instructions",
      "skills and playbooks",
      "tool schemas",
      "compaction summary",
      "conversation",
      "kept for the answer",
      "free",
    ])
      expect(out).toMatch(new RegExp(`^ {2}${label} +[\\d.]+k? +\\d+%`, "m"));
    expect(out).toMatch(/conversation +\d+ +\d+% +2 messages/);
    expect(out).toMatch(/tool schemas +[\d.]+k? +\d+% +\d+ tools/);
    expect(out).toMatch(/kept for the answer +2\.0k +25%/);
    expect(out).toMatch(/Compaction starts at about [\d.]+k tokens \(\d+% of the window\)/);
    expect(out).toMatch(/The last request held [\d.]+k? tokens/);
    expect(out).toContain("Session: 900 prompt + 20 completion tokens · cost $0.00123 (as reported)");
  });

  it("says when the provider reports no cost, and that compaction is off when it is", async () => {
    llm.enqueue({ text: "hello", usage: { prompt: 10, completion: 2 } });
    const result = await runAgent(
      ["--workspace", workspace, "--sandbox", "local"],
      env({ COMPACT_AT_PERCENT: "0" }),
      {
        stdin: "hi\n/context\n",
      },
    );
    expect(result.stdout).toContain("cost not reported by the provider");
    expect(result.stdout).toContain("Automatic compaction is off (COMPACT_AT_PERCENT=0)");
  });

  it("counts the compaction summary as its own part after /compact", async () => {
    llm.enqueue({ text: "one" }, { text: "two" }, { text: "## Goal\nsay numbers" });
    const result = await repl("first\nsecond\n/compact\n/context\n");
    expect(result.stdout).toMatch(/compaction summary +\d+ +\d+% +2 earlier messages/);
    expect(result.stdout).toMatch(/conversation +\d+ +\d+% +2 messages/);
  });
});

describe("usage in --json events", () => {
  it("carries the window with each request's tokens, and the session cost the provider reported", async () => {
    writeFileSync(join(workspace, "a.txt"), "alpha\n");
    llm.enqueue(
      {
        toolCalls: [{ name: "read_file", arguments: { path: "a.txt" } }],
        usage: { prompt: 800, completion: 9, cost: 0.001 },
      },
      { text: "done", usage: { prompt: 850, completion: 3, cost: 0.002 } },
    );
    const result = await runAgent(
      ["--workspace", workspace, "--sandbox", "local", "-p", "read a", "--json"],
      env(),
    );
    expect(result.code).toBe(0);
    const events = result.stdout
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    const contexts = events.filter((e) => e.type === "context");
    expect(contexts).toHaveLength(2);
    expect(contexts[0]).toMatchObject({ window: 8_192, tokens: expect.any(Number) });
    const usages = events.filter((e) => e.type === "usage");
    expect(usages[0]).toMatchObject({
      step: { promptTokens: 800, completionTokens: 9, cost: 0.001 },
      context: { tokens: 809, window: 8_192 },
    });
    expect(usages[1]).toMatchObject({ total: { promptTokens: 1_650, completionTokens: 12, cost: 0.003 } });
    expect(events.at(-1)).toMatchObject({
      type: "result",
      usage: { promptTokens: 1_650, completionTokens: 12, cost: 0.003 },
      context: { tokens: 853, window: 8_192 },
    });
  });
});

describe("the status line", () => {
  it("shows the share of the window the request uses while the model works", async () => {
    llm.enqueue({ kind: "hang" });
    const ptyEnv = { ...env(), TERM: "xterm-256color" };
    delete (ptyEnv as Record<string, string | undefined>).NO_COLOR;
    pty = new PtySession(
      process.execPath,
      agentArgs(["--workspace", workspace, "--sandbox", "local"]),
      ptyEnv,
      repoRoot,
    );
    await pty.waitFor(/\/help for commands/);
    pty.type("what is here?\r");
    await expect
      .poll(async () => (await renderScreen(pty?.raw ?? "")).at(-1), { timeout: 20_000, interval: 50 })
      .toMatch(/^thinking · step 1\/30 · 0 tokens · context \d+% of 8\.2k$/);
  });
});
