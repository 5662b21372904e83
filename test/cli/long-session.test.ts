// Long sessions through the real CLI: automatic compaction in a piped REPL session, the session file recording
// it, --resume continuing from the summary, and /compact by hand (with a focus, and on an empty session).
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { scriptLongSession } from "../support/long-session.js";
import { agentEnv, runAgent } from "../support/run-agent.js";
import { ScriptedLlm } from "../support/scripted-llm.js";

let llm: ScriptedLlm;
let workspace: string;
let dataDir: string;
beforeEach(async () => {
  llm = await ScriptedLlm.start();
  // The model's window as the server reports it: small, so a few turns fill it.
  llm.models["gpt-4o-mini"] = { listed: { max_model_len: 8_192 } };
  workspace = mkdtempSync(join(tmpdir(), "agent-ws-"));
  dataDir = mkdtempSync(join(tmpdir(), "agent-data-"));
  for (let i = 0; i < 30; i++)
    writeFileSync(join(workspace, `notes-${i}.txt`), `notes ${i}: ${"lorem ipsum dolor ".repeat(110)}\n`);
});
afterEach(async () => {
  await llm.close();
});

const env = (extra: Record<string, string> = {}) =>
  agentEnv({ baseURL: llm.baseURL, dataDir, env: { CHECKPOINTS: "false", ...extra } });
const repl = (stdin: string, extra: Record<string, string> = {}) =>
  runAgent(["--workspace", workspace, "--sandbox", "local"], env(extra), { stdin, timeoutMs: 60_000 });

const sessionLines = () => {
  const [file] = readdirSync(join(dataDir, "sessions"));
  return readFileSync(join(dataDir, "sessions", file ?? ""), "utf8")
    .trim()
    .split("\n")
    .map((line) => JSON.parse(line) as { type: string; messages?: unknown[]; summary?: { text: string } });
};

describe("a long session through the CLI", () => {
  it("compacts near the window, records it, and --resume continues from the summary", async () => {
    const script = scriptLongSession(llm);
    const prompts = Array.from({ length: 16 }, (_, i) => `read notes-${i}.txt`).join("\n");
    const first = await repl(`${prompts}\n`);
    expect(first.code).toBe(0);
    expect(script.summaryRequests.length).toBeGreaterThanOrEqual(1);
    expect(first.stderr).toMatch(/⋯ compacting: summarising \d+ older messages/);
    expect(first.stderr).toMatch(/⎿ summarised \d+ messages: [\d.]+k → [\d.]+k? tokens/);
    const compaction = sessionLines().find((line) => line.type === "compaction");
    expect(compaction?.summary?.text).toContain("## Goal");

    const turnsBefore = script.turnRequests.length;
    const second = await runAgent(
      ["--workspace", workspace, "--sandbox", "local", "-p", "read notes-20.txt", "--resume"],
      env(),
      { timeoutMs: 60_000 },
    );
    expect(second.code).toBe(0);
    const resumed = script.turnRequests[turnsBefore]?.body;
    expect(resumed?.messages[1]?.content).toMatch(/^Summary of our conversation so far/);
    const contents = resumed?.messages.map((m) => m.content) ?? [];
    expect(contents).not.toContain("read notes-0.txt");
    expect(contents).toContain("read notes-15.txt"); // the last turn before resuming, verbatim
    expect(contents.at(-1)).toBe("read notes-20.txt");
  });

  it("/compact summarises by hand with a focus; the next request starts from the summary", async () => {
    const script = scriptLongSession(llm);
    const result = await repl(
      "read notes-1.txt\nread notes-2.txt\nread notes-3.txt\n/compact the lorem files\nhi\n",
    );
    expect(result.code).toBe(0);
    expect(script.summaryRequests).toHaveLength(1);
    expect(script.summaryRequests[0]?.body.messages[1]?.content).toContain(
      "The user asks you to focus on: the lorem files",
    );
    expect(result.stdout).toMatch(/Compacted: \d+ older messages are now a summary/);
    const last = script.turnRequests.at(-1)?.body;
    expect(last?.messages[1]?.content).toMatch(/^Summary of our conversation so far/);
    expect(last?.messages.at(-1)?.content).toBe("hi");
  });

  it("/compact on an empty session says there is nothing to compact and asks nothing of the model", async () => {
    const result = await repl("/compact\n");
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("Nothing to compact: the conversation is empty.");
    expect(llm.requests).toHaveLength(0);
  });

  it("/compact right after one exchange has nothing older to compact", async () => {
    llm.enqueue({ text: "hello" });
    const result = await repl("hi\n/compact\n");
    expect(result.stdout).toContain(
      "Nothing to compact: there is nothing older than the last exchange to compact.",
    );
    expect(llm.requests).toHaveLength(1);
  });
});
