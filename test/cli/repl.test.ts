// The REPL on piped stdin: every line is a prompt or a slash command, slash commands never reach the model,
// provider switching, failures that leave the REPL usable, and exit at EOF.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { agentEnv, runAgent } from "../support/run-agent.js";
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

const repl = (stdin: string, env: Record<string, string> = {}) =>
  runAgent(["--workspace", workspace, "--sandbox", "local"], agentEnv({ baseURL: llm.baseURL, env }), {
    stdin,
  });

describe("REPL on piped stdin", () => {
  it("answers each prompt line in order and exits 0 at EOF", async () => {
    llm.enqueue({ text: "one" }, { text: "two" });
    const result = await repl("first\nsecond\n");
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("one");
    expect(result.stdout).toContain("two");
    expect(llm.requests.map((r) => r.body.messages.at(-1)?.content)).toEqual(["first", "second"]);
    expect(result.stdout).not.toContain("\u001b["); // no colour or spinner when piped
  });

  it("keeps slash commands away from the model and the history", async () => {
    llm.enqueue({ text: "ok" });
    const result = await repl("/help\n/providers\n/tools\nhello\n");
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("/provider <name> [model]");
    expect(result.stdout).toMatch(/Active: openai · model gpt-4o-mini/);
    expect(result.stdout).toMatch(/read_file/);
    expect(llm.requests).toHaveLength(1);
    const sent = llm.requests[0]?.raw ?? "";
    expect(sent).not.toContain("/providers");
    expect(sent).not.toContain("/help");
  });

  it("switches provider and model for the rest of the session, and the model stays bound to it", async () => {
    llm.enqueue({ text: "a" }, { text: "b" }, { text: "c" });
    const result = await repl("/provider groq my-model\nq1\n/provider openai\nq2\n/provider groq\nq3\n", {
      GROQ_BASE_URL: llm.baseURL,
      GROQ_API_KEY: "gsk-test-abcdefgh",
    });
    expect(result.stdout).toContain("Now using groq · model my-model");
    expect(llm.requests.map((r) => r.body.model)).toEqual(["my-model", "gpt-4o-mini", "my-model"]);
    expect(llm.requests[0]?.headers.authorization).toBe("Bearer gsk-test-abcdefgh");
  });

  it("lists the valid providers for an unknown name and prints usage for a bare /provider", async () => {
    const result = await repl("/provider nosuch\n/provider\n");
    expect(result.stderr).toContain(
      'Unknown provider "nosuch". Valid providers: ollama, litellm, openai, groq, openrouter.',
    );
    expect(result.stdout).toContain("Usage: /provider <name> [model]");
  });

  it("says what to do for an unknown slash command", async () => {
    const result = await repl("/provdiers\n");
    expect(result.stderr).toMatch(/Unknown command \/provdiers\. Did you mean .*\/providers.*\/help/);
  });

  it("stays usable after an LLM failure: one line, then the next prompt works", async () => {
    llm.enqueue({ kind: "error", status: 500 }, { text: "recovered" });
    const result = await repl("first\nsecond\n");
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/LLM openai at .* failed: HTTP 500/);
    expect(result.stdout).toContain("recovered");
  });

  it("/clear empties the conversation so the next prompt starts fresh", async () => {
    llm.enqueue({ text: "a" }, { text: "b" });
    const result = await repl("remember x\n/clear\nnew topic\n");
    expect(result.stdout).toMatch(/Cleared 2 messages/);
    expect(llm.requests[1]?.body.messages.map((m) => m.role)).toEqual(["system", "user"]);
  });

  it("leaves on exit, quit and /bye without reading further", async () => {
    for (const word of ["exit", "quit", "/bye"]) {
      const result = await repl(`${word}\nnever sent\n`);
      expect(result.code).toBe(0);
    }
    expect(llm.requests).toHaveLength(0);
  });
});
