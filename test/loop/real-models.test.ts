// The loop against what real servers do (test/fixtures/llm-quirks): history sized to the model's real context
// window, a prompt the server cut said to the user and the model, a cut answer and a cut tool call told, tool
// calls written as text run as real calls and kept in history as such, and reasoning never sent back.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { ChatModel } from "../../agent/src/llm/client.js";
import { createChatModel } from "../../agent/src/llm/client.js";
import type { ProviderApi } from "../../agent/src/llm/providers.js";
import { AgentLoop } from "../../agent/src/loop/agent-loop.js";
import type { AgentEvent } from "../../agent/src/loop/events.js";
import { estimateTextTokens, History, hasValidToolPairs } from "../../agent/src/loop/history.js";
import { MemoryTools } from "../support/memory-tools.js";
import { repoRoot } from "../support/run-agent.js";
import { ScriptedLlm } from "../support/scripted-llm.js";

let llm: ScriptedLlm | undefined;
afterEach(async () => {
  await llm?.close();
  llm = undefined;
});

const fixture = (name: string) =>
  JSON.parse(readFileSync(join(repoRoot, "test", "fixtures", "llm-quirks", `${name}.json`), "utf8")) as {
    response: { chunks?: unknown[]; body?: unknown };
  };

function modelAt(
  server: ScriptedLlm,
  api: ProviderApi,
  options: { requiresKey?: boolean; stream?: boolean } = {},
): ChatModel {
  return createChatModel({
    provider: {
      name: api === "ollama" ? "ollama" : "local",
      api,
      baseURL: api === "ollama" ? server.rootURL : server.baseURL,
      defaultModel: "m",
      keyName: "local",
      requiresKey: options.requiresKey ?? false,
      stream: options.stream ?? true,
    },
    model: "m",
    apiKey: () => undefined,
    timeoutMs: 5_000,
    retry: { maxRetries: 0, baseDelayMs: 1, maxDelayMs: 1 },
  });
}

function loopWith(
  model: ChatModel,
  tools = new MemoryTools().add("read_file", async (a) => `contents of ${String(a.path)}`),
) {
  const history = new History({});
  const events: AgentEvent[] = [];
  const loop = new AgentLoop({
    model: () => model,
    tools,
    history,
    workspaceRoot: "/w",
    maxSteps: 5,
    scrub: (t) => t,
    // These tests are about sizing requests and pruning; compaction has its own (test/loop/compaction.test.ts).
    compactAtPercent: 0,
  });
  const run = (input: string) =>
    loop.runTurn(input, { signal: new AbortController().signal, emit: (e) => events.push(e) });
  return { loop, history, events, tools, run };
}

/** A history of `turns` old turns of about 1,000 tokens each. */
function fill(history: History, turns: number): void {
  for (let i = 0; i < turns; i++) {
    history.append({ role: "user", content: `question ${i} ${"x".repeat(2_000)}` });
    history.append({ role: "assistant", content: `answer ${i} ${"y".repeat(2_000)}` });
  }
}

const requestTokens = (raw: string) => estimateTextTokens(raw);

describe("context window", () => {
  it("sizes each Ollama request to the model's window from /api/show, so Ollama never cuts it", async () => {
    llm = await ScriptedLlm.start({ ollama: true });
    llm.models.m = { contextLength: 8_192 };
    llm.enqueue({ text: "fits" });
    const { history, run } = loopWith(modelAt(llm, "ollama"));
    fill(history, 20); // ~20k tokens of history
    await run("now this");
    const request = llm.requests[0];
    expect(request?.body.options).toEqual({ num_ctx: 8_192 });
    // The prompt leaves room for the answer (a quarter of the window).
    expect(requestTokens(request?.raw ?? "")).toBeLessThanOrEqual(8_192 - 2_048);
    expect(request?.body.messages.at(-1)?.content).toBe("now this");
    expect(request?.body.messages[0]?.content).toMatch(/earlier messages were dropped/);
  });

  it("sizes requests to Ollama's default window when an OpenAI-compatible URL is Ollama's /v1", async () => {
    llm = await ScriptedLlm.start({ ollama: true }); // answers /api/version: Ollama behind /v1
    llm.models.m = { contextLength: 32_768 };
    llm.enqueue({ text: "fits" });
    const model = modelAt(llm, "openai");
    const { history, run } = loopWith(model);
    fill(history, 20);
    await run("now this");
    expect((await model.contextWindow()).source).toMatch(/Ollama's OpenAI route/);
    expect(requestTokens(llm.requests[0]?.raw ?? "")).toBeLessThanOrEqual(4_096);
  });

  it("uses the context length a vLLM server lists (max_model_len)", async () => {
    llm = await ScriptedLlm.start();
    llm.models.m = { listed: { max_model_len: 16_384 } };
    const window = await modelAt(llm, "openai").contextWindow();
    expect(window).toMatchObject({ tokens: 16_384, fromServer: true, promptCountReliable: true });
  });

  it("tells the user and the model when a server kept far fewer prompt tokens than were sent", async () => {
    llm = await ScriptedLlm.start(); // not recognisably Ollama: e.g. behind a proxy
    llm.enqueue(
      { kind: "recorded", ...fixture("ollama-openai-prompt-silently-truncated").response },
      { text: "second" },
    );
    const { history, events, run } = loopWith(modelAt(llm, "openai", { stream: false })); // the thread's call
    fill(history, 6); // ~6k tokens: more than twice what the server reports keeping (2051)
    await run("what do you make of the rules?");
    const notice = events.find((e) => e.type === "notice");
    expect(notice).toMatchObject({
      type: "notice",
      text: expect.stringMatching(/kept only 2051 of about \d+ prompt tokens/),
    });
    await run("and now?");
    const second = llm.requests[1];
    expect(second?.body.messages[0]?.content).toMatch(/Note: The server cut the start of the last request/);
    // Later requests are cut to what the server kept.
    expect(requestTokens(second?.raw ?? "")).toBeLessThan(requestTokens(llm.requests[0]?.raw ?? ""));
  });
});

describe("cut responses", () => {
  it("tells the user and the model when an answer was cut at the output limit", async () => {
    llm = await ScriptedLlm.start();
    llm.enqueue({ text: "The first half of a long answ", finishReason: "length" }, { text: "rest" });
    const { events, run } = loopWith(modelAt(llm, "openai", { requiresKey: true }));
    await run("explain");
    expect(events).toContainEqual({ type: "notice", text: expect.stringMatching(/answer was cut off/) });
    await run("continue");
    expect(llm.requests[1]?.body.messages[0]?.content).toMatch(/previous answer was cut off/);
  });

  it("does not run a tool call written as text and cut by the output limit; the model is told to send a shorter one", async () => {
    llm = await ScriptedLlm.start();
    llm.enqueue(
      { kind: "recorded", ...fixture("vllm-length-cut-hermes-call-in-content").response },
      { text: "ok, smaller" },
    );
    const writes = new MemoryTools().add("write_file", async () => "written");
    const { events, run } = loopWith(modelAt(llm, "openai", { requiresKey: true, stream: false }), writes);
    const result = await run("take notes");
    expect(writes.calls).toEqual([]);
    expect(result).toMatchObject({ reason: "done", text: "ok, smaller" });
    expect(events).toContainEqual({ type: "notice", text: expect.stringMatching(/tool call was cut off/) });
    expect(llm.requests[1]?.body.messages[0]?.content).toMatch(
      /last tool call was cut off .* Send a shorter call/,
    );
    expect(
      events
        .filter((e) => e.type === "text_delta")
        .map((e) => e.text)
        .join(""),
    ).not.toContain("<tool_call>");
  });
});

describe("tool calls written as text", () => {
  it("runs qwen2.5-coder's bare-JSON call (ollama/ollama#12174) and keeps it in history as a real call", async () => {
    llm = await ScriptedLlm.start({ ollama: true });
    llm.models.m = { contextLength: 32_768 };
    llm.enqueue(
      { kind: "recorded", ...fixture("ollama-native-qwen25-coder-bare-json").response },
      { text: "391" },
    );
    const shell = new MemoryTools().add("shell", async () => "391\n[exit code 0]");
    const { history, events, run } = loopWith(modelAt(llm, "ollama"), shell);
    const result = await run("what is 17 * 23?");
    expect(shell.calls).toEqual([{ name: "shell", args: { command: "echo $((17 * 23))" } }]);
    expect(result.text).toBe("391");
    expect(hasValidToolPairs(history.messages)).toBe(true);
    // The next request carries the call as a call (Ollama: object arguments) and its result by tool name.
    const sent = llm.requests[1]?.body.messages ?? [];
    expect(sent.find((m) => m.role === "assistant")).toMatchObject({
      tool_calls: [{ function: { name: "shell", arguments: { command: "echo $((17 * 23))" } } }],
    });
    expect(sent.find((m) => m.role === "tool")).toMatchObject({
      tool_name: "shell",
      content: "391\n[exit code 0]",
    });
    // The raw JSON was never shown as an answer.
    expect(
      events
        .filter((e) => e.type === "text_delta")
        .map((e) => e.text)
        .join(""),
    ).toBe("391");
  });

  it("does not run JSON the model only shows in an explanation", async () => {
    llm = await ScriptedLlm.start();
    llm.enqueue({
      text: 'To read a file you would send: {"name": "read_file", "arguments": {"path": "a.txt"}}. Want me to?',
    });
    const { tools, run } = loopWith(modelAt(llm, "openai", { requiresKey: true }));
    const result = await run("how do I read a file?");
    expect(tools.calls).toEqual([]);
    expect(result.text).toContain("To read a file you would send");
  });
});

describe("reasoning", () => {
  it("shows <think> reasoning apart and never sends it back or prints it as the answer", async () => {
    llm = await ScriptedLlm.start();
    llm.enqueue(
      { kind: "recorded", ...fixture("llamacpp-deepseek-r1-think-tags-in-content").response },
      { text: "second answer" },
    );
    const { events, run } = loopWith(modelAt(llm, "openai", { requiresKey: true }));
    const first = await run("hi");
    expect(first.text).not.toMatch(/<\/?think>/);
    expect(
      events
        .filter((e) => e.type === "text_delta")
        .map((e) => e.text)
        .join(""),
    ).not.toMatch(/think>/);
    await run("again");
    expect(llm.requests[1]?.raw).not.toMatch(/<\/?think>/);
  });

  it("streams reasoning_content deltas as reasoning events and never sends them back", async () => {
    llm = await ScriptedLlm.start();
    llm.enqueue({ kind: "recorded", ...fixture("openrouter-reasoning-delta").response }, { text: "ok" });
    const { events, run } = loopWith(modelAt(llm, "openai", { requiresKey: true }));
    await run("12 times 7?");
    const reasoning = events
      .filter((e) => e.type === "reasoning_delta")
      .map((e) => e.text)
      .join("");
    expect(reasoning).toMatch(/multiply/);
    await run("thanks");
    expect(llm.requests[1]?.raw).not.toMatch(/multiply|reasoning/);
  });
});
