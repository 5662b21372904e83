// `agent -p` as a user runs it: the real CLI in a child process, the real toolhost, a scripted LLM over HTTP.
// Proves where output goes and every exit code of DESIGN §3.
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { agentArgs, agentEnv, repoRoot, runAgent } from "../support/run-agent.js";
import { ScriptedLlm } from "../support/scripted-llm.js";

let llm: ScriptedLlm;
let workspace: string;
beforeEach(async () => {
  llm = await ScriptedLlm.start();
  workspace = mkdtempSync(join(tmpdir(), "agent-ws-"));
});
afterEach(async () => {
  await llm.close();
});

const run = (args: string[], env: Record<string, string> = {}) =>
  runAgent(
    ["--workspace", workspace, "--sandbox", "local", ...args],
    agentEnv({ baseURL: llm.baseURL, env }),
  );

describe("print mode", () => {
  it("prints the final answer on stdout and tool activity on stderr, exit 0", async () => {
    writeFileSync(join(workspace, "notes.txt"), "alpha beta\n");
    llm.enqueue(
      { text: "Let me read it.", toolCalls: [{ name: "read_file", arguments: { path: "notes.txt" } }] },
      { text: "It says alpha beta." },
    );
    const result = await run(["-p", "what do the notes say?"]);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe("It says alpha beta.\n");
    expect(result.stderr).toContain("● read_file");
    expect(result.stderr).toContain("Let me read it.");
    expect(llm.requests[1]?.body.messages.at(-1)?.content).toContain("alpha beta");
  });

  it("writes one JSON event per line with --json, ending with the result", async () => {
    llm.enqueue({ toolCalls: [{ name: "list_files", arguments: {} }] }, { text: "Empty." });
    const result = await run(["-p", "list", "--json"]);
    expect(result.code).toBe(0);
    const events = result.stdout
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line) as { type: string });
    expect(events.map((e) => e.type)).toContain("tool_end");
    expect(events.at(-1)).toMatchObject({ type: "result", reason: "done", text: "Empty.", exitCode: 0 });
  });

  it("never shows a key split across two streamed deltas in --json events", async () => {
    // The test environment's OPENAI_API_KEY; the scripted server streams text in 5-character pieces.
    const key = "sk-test-0123456789abcdef";
    llm.enqueue({ text: `Found it: ${key} in the config.` });
    const result = await run(["-p", "find the key", "--json"]);
    expect(result.code).toBe(0);
    expect(result.stdout).not.toContain("0123456789");
    const deltas = result.stdout
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line) as { type: string; text?: string })
      .filter((event) => event.type === "text_delta");
    expect(deltas.length).toBeGreaterThan(1);
    expect(deltas.map((d) => d.text).join("")).toBe("Found it: [redacted] in the config.");
  });

  it("delivers all of a long answer through a pipe its reader empties slowly, before exiting 0", async () => {
    const line = `${"x".repeat(99)}\n`;
    llm.enqueue({ text: line.repeat(20_000) }); // 2 MB: far more than a pipe buffer holds
    const env = agentEnv({ baseURL: llm.baseURL, env: { LLM_STREAM: "false" } });
    const child = spawn(
      process.execPath,
      agentArgs(["--workspace", workspace, "--sandbox", "local", "-p", "write a lot"]),
      { env, cwd: repoRoot, stdio: ["ignore", "pipe", "ignore"] },
    );
    child.stdout.pause(); // a slow reader: nothing is taken until the answer is all written
    const exited = new Promise<number | null>((resolve) => child.on("exit", resolve));
    await expect.poll(() => llm.requests.length, { timeout: 20_000 }).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 1_000)); // let the agent fill the pipe and try to exit
    let received = 0;
    child.stdout.on("data", (chunk: Buffer) => {
      received += chunk.length;
    });
    child.stdout.resume();
    const closed = new Promise((resolve) => child.on("close", resolve));
    expect(await exited).toBe(0);
    await closed;
    expect(received).toBe(line.length * 20_000 + 1); // term.line adds the final newline
  });

  it("exits 3 when the step cap stops the turn", async () => {
    for (let i = 0; i < 3; i++)
      llm.enqueue({ toolCalls: [{ name: "list_files", arguments: { path: `.${"/".repeat(i)}` } }] });
    const result = await run(["-p", "loop", "--max-steps", "2"]);
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(/Stopped after 2 steps/);
  });

  it("exits 3 when the model keeps repeating a call", async () => {
    for (let i = 0; i < 4; i++) llm.enqueue({ toolCalls: [{ name: "list_files", arguments: {} }] });
    const result = await run(["-p", "repeat"]);
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(/repeating/);
  });

  it("exits 1 with one line naming the provider and URL when the LLM is unreachable", async () => {
    const result = await runAgent(
      ["--workspace", workspace, "-p", "hi"],
      agentEnv({ baseURL: "http://127.0.0.1:9/v1" }),
    );
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/LLM openai at http:\/\/127\.0\.0\.1:9\/v1 failed: connection failed/);
    expect(result.stderr).not.toMatch(/\n\s+at /); // no stack trace
  });

  it("exits 2 with one line for a bad variable, a bad flag value and an unknown flag", async () => {
    const bad = await run(["-p", "x"], { MAX_STEPS: "lots" });
    expect(bad.code).toBe(2);
    expect(bad.stderr.trim()).toBe(
      'agent: Invalid MAX_STEPS="lots": expected a whole number from 1 to 1000.',
    );
    const flag = await run(["-p", "x", "--sandbox", "vm"]);
    expect(flag.code).toBe(2);
    expect(flag.stderr).toContain('Invalid --sandbox "vm": expected docker or local.');
    const unknown = await run(["--frobnicate"]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/Unknown option '--frobnicate'.*agent --help/);
    expect(llm.requests).toHaveLength(0);
  });

  it("exits 2 naming the entry of a bad mcp.json", async () => {
    const file = join(workspace, "mcp.json");
    writeFileSync(file, JSON.stringify({ mcpServers: { broken: { url: 42 } } }));
    const result = await run(["-p", "x", "--mcp-config", file]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("broken");
  });

  it("records the session as JSONL with usage, and --resume continues it", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "agent-data-"));
    llm.enqueue({ text: "First answer.", usage: { prompt: 33, completion: 4 } });
    const env = agentEnv({ baseURL: llm.baseURL, dataDir });
    const first = await runAgent(["--workspace", workspace, "-p", "remember the word kiwi"], env);
    expect(first.code).toBe(0);
    llm.enqueue({ text: "You said kiwi." });
    const second = await runAgent(["--workspace", workspace, "-p", "what word?", "--resume"], env);
    expect(second.code).toBe(0);
    const sent = llm.requests[1]?.body.messages.map((m) => m.content);
    expect(sent).toContain("remember the word kiwi");
    expect(sent).toContain("First answer.");
    const { readdirSync } = await import("node:fs");
    const [file] = readdirSync(join(dataDir, "sessions"));
    const lines = readFileSync(join(dataDir, "sessions", file ?? ""), "utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(lines[0]).toMatchObject({ type: "session", provider: "openai" });
    expect(lines.find((l) => l.message?.role === "assistant")).toMatchObject({
      usage: { promptTokens: 33, completionTokens: 4 },
    });
  });

  it("exits 2 when --resume names a session that does not exist", async () => {
    const result = await run(["-p", "x", "--resume", "nope"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/No session "nope"/);
  });
});
