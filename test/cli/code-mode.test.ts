// TOOL_MODE through the real CLI (`agent -p`, local sandbox, scripted LLM): main.ts wires code mode so the model
// gets run_code alone with its API in the system prompt, and calls from code pass the agent's scrubber.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { agentEnv, runAgent } from "../support/run-agent.js";
import { ScriptedLlm } from "../support/scripted-llm.js";

let llm: ScriptedLlm;
let workspace: string;
beforeEach(async () => {
  llm = await ScriptedLlm.start();
  workspace = mkdtempSync(join(tmpdir(), "agent-code-ws-"));
});
afterEach(async () => {
  await llm.close();
});

const run = (args: string[], env: Record<string, string> = {}) =>
  runAgent(
    ["--workspace", workspace, "--sandbox", "local", ...args],
    agentEnv({ baseURL: llm.baseURL, env: { CHECKPOINTS: "false", ...env } }),
    { timeoutMs: 120_000 },
  );

describe("TOOL_MODE in the CLI", () => {
  it("code: offers run_code alone, declares the tools, and scrubs secrets before the code sees them", async () => {
    // The test environment's OPENAI_API_KEY, which the agent's scrubber knows.
    writeFileSync(join(workspace, "config.txt"), "key=sk-test-0123456789abcdef\ncount=3\n");
    llm.enqueue(
      {
        toolCalls: [
          {
            name: "run_code",
            arguments: {
              code: `const text = await tools.read_file({ path: "config.txt" });
return { sawKey: text.includes("0123456789abcdef"), count: Number(/count=(\\d+)/.exec(text)[1]) };`,
            },
          },
        ],
      },
      { text: "count is 3" },
    );
    const result = await run(["-p", "read the count"], { TOOL_MODE: "code" });
    expect(result.code, result.stderr).toBe(0);
    expect(llm.requests[0]?.body.tools?.map((t) => t.function.name)).toEqual(["run_code"]);
    expect(String(llm.requests[0]?.body.messages[0]?.content)).toMatch(
      /declare const tools: \{[\s\S]*read_file\(/,
    );
    const toolMessage = llm.requests[1]?.body.messages.find((m) => m.role === "tool");
    expect(JSON.parse(String(toolMessage?.content))).toEqual({ sawKey: false, count: 3 });
  });

  it("--tool-mode both offers run_code beside the built-ins; the default offers no run_code", async () => {
    llm.enqueue({ text: "ok" }, { text: "ok" });
    expect((await run(["-p", "hi", "--tool-mode", "both"])).code).toBe(0);
    expect((await run(["-p", "hi"])).code).toBe(0);
    const [both, calls] = llm.requests.map((r) => r.body.tools?.map((t) => t.function.name) ?? []);
    expect(both).toEqual(expect.arrayContaining(["run_code", "read_file", "shell"]));
    expect(calls).toEqual(expect.arrayContaining(["read_file", "shell"]));
    expect(calls).not.toContain("run_code");
  });
});
