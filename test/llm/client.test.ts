// The LLM client against a real HTTP server speaking the OpenAI protocol: streaming and whole responses,
// tool calls split across chunks, Ollama-style indexes, retries, timeouts and the errors users see.
import { afterEach, describe, expect, it } from "vitest";
import { type ChatModel, createChatModel } from "../../agent/src/llm/client.js";
import { LlmError } from "../../agent/src/llm/llm-error.js";
import { ScriptedLlm, type ScriptedLlmOptions } from "../support/scripted-llm.js";
import { scriptedModel, scriptedProvider } from "../support/scripted-model.js";

let llm: ScriptedLlm | undefined;
afterEach(async () => {
  await llm?.close();
  llm = undefined;
});

async function model(options: ScriptedLlmOptions = {}, stream = true, timeoutMs = 5_000): Promise<ChatModel> {
  llm = await ScriptedLlm.start(options);
  return scriptedModel(llm.baseURL, {
    stream,
    timeoutMs,
    apiKey: "sk-test-key-1234",
    retry: { maxRetries: 2, baseDelayMs: 5, maxDelayMs: 50 },
  });
}

const ask = (m: ChatModel, onText?: (t: string) => void) =>
  m.chat({
    messages: [{ role: "user", content: "hi" }],
    tools: [{ name: "read_file", description: "read", parameters: { type: "object", properties: {} } }],
    signal: new AbortController().signal,
    ...(onText ? { onText } : {}),
  });

describe("chat model", () => {
  it("streams text deltas as they arrive and returns the whole text with usage", async () => {
    const m = await model();
    llm?.enqueue({ text: "Hello there, world", usage: { prompt: 12, completion: 3 } });
    const deltas: string[] = [];
    const response = await ask(m, (t) => deltas.push(t));
    expect(deltas.length).toBeGreaterThan(1);
    expect(deltas.join("")).toBe("Hello there, world");
    expect(response).toMatchObject({ text: "Hello there, world", finishReason: "stop" });
    expect(response.usage).toEqual({ promptTokens: 12, completionTokens: 3 });
    const sent = llm?.requests[0];
    expect(sent?.body.stream).toBe(true);
    expect(sent?.body.tools?.[0]?.function.name).toBe("read_file");
    expect(sent?.headers.authorization).toBe("Bearer sk-test-key-1234");
  });

  it("reassembles two parallel tool calls whose arguments are split across chunks", async () => {
    const m = await model({ argChunkSize: 3 });
    llm?.enqueue({
      toolCalls: [
        { name: "read_file", arguments: { path: "a.txt" } },
        { name: "shell", arguments: { command: "echo hi && ls" } },
      ],
    });
    const response = await ask(m);
    expect(response.finishReason).toBe("tool_calls");
    expect(response.toolCalls.map((c) => [c.function.name, JSON.parse(c.function.arguments)])).toEqual([
      ["read_file", { path: "a.txt" }],
      ["shell", { command: "echo hi && ls" }],
    ]);
  });

  it("keeps parallel calls apart when the server repeats index 0 with new ids, as Ollama does", async () => {
    const m = await model({ ollamaStyle: true });
    llm?.enqueue({
      toolCalls: [
        { name: "read_file", arguments: { path: "a" } },
        { name: "read_file", arguments: { path: "b" } },
        { name: "shell", arguments: { command: "true" } },
      ],
    });
    const response = await ask(m);
    expect(response.toolCalls).toHaveLength(3);
    expect(response.toolCalls.map((c) => c.function.arguments)).toEqual([
      '{"path":"a"}',
      '{"path":"b"}',
      '{"command":"true"}',
    ]);
    expect(new Set(response.toolCalls.map((c) => c.id)).size).toBe(3);
  });

  it("keeps parallel calls apart when the server omits the index entirely", async () => {
    const m = await model({ omitIndex: true, argChunkSize: 4 });
    llm?.enqueue({
      toolCalls: [
        { name: "read_file", arguments: { path: "one" } },
        { name: "read_file", arguments: { path: "two" } },
      ],
    });
    const response = await ask(m);
    expect(response.toolCalls.map((c) => JSON.parse(c.function.arguments).path)).toEqual(["one", "two"]);
  });

  it("works without streaming when the provider is configured so", async () => {
    const m = await model({}, false);
    llm?.enqueue({
      text: "whole",
      toolCalls: [{ name: "shell", arguments: { command: "ls" } }],
      usage: { prompt: 10, completion: 5 },
    });
    const response = await ask(m);
    expect(llm?.requests[0]?.body.stream).toBe(false);
    expect(response.text).toBe("whole");
    expect(response.toolCalls[0]?.function).toEqual({ name: "shell", arguments: '{"command":"ls"}' });
    expect(response.usage).toEqual({ promptTokens: 10, completionTokens: 5 });
  });

  it("reports finish_reason length so the loop can refuse cut-off calls", async () => {
    const m = await model();
    llm?.enqueue({
      toolCalls: [{ name: "write_file", arguments: '{"path":"a","content":"unfini' }],
      finishReason: "length",
    });
    const response = await ask(m);
    expect(response.finishReason).toBe("length");
  });

  it("retries 429 and 500 with backoff and then succeeds", async () => {
    const m = await model();
    llm?.enqueue(
      { kind: "error", status: 429, headers: { "retry-after": "0" } },
      { kind: "error", status: 503 },
      { text: "finally" },
    );
    const response = await ask(m);
    expect(response.text).toBe("finally");
    expect(llm?.requests).toHaveLength(3);
  });

  it("honours a retry-after header in seconds", async () => {
    const m = await model();
    llm?.enqueue({ kind: "error", status: 429, headers: { "retry-after": "0.2" } }, { text: "ok" });
    const retries: number[] = [];
    const started = Date.now();
    await m.chat({
      messages: [{ role: "user", content: "x" }],
      tools: [],
      signal: new AbortController().signal,
      onRetry: (info) => retries.push(info.delayMs),
    });
    expect(retries).toEqual([50]); // capped by maxDelayMs in this policy
    expect(Date.now() - started).toBeGreaterThanOrEqual(45);
  });

  it("gives up after the last retry with one line naming provider, URL and what to check", async () => {
    const m = await model();
    llm?.enqueue(
      { kind: "error", status: 500 },
      { kind: "error", status: 500 },
      { kind: "error", status: 500 },
    );
    const error = await ask(m).catch((e: unknown) => e);
    expect(LlmError.isInstance(error)).toBe(true);
    const message = (error as LlmError).message;
    expect(message).toContain("scripted");
    expect(message).toContain(llm?.baseURL);
    expect(message).toContain("after 3 attempts");
    expect(message).not.toContain("\n");
    expect(llm?.requests).toHaveLength(3);
  });

  it("does not retry an authentication failure and says how to set the key", async () => {
    const m = await model();
    llm?.enqueue({ kind: "error", status: 401, message: "bad key" });
    const error = (await ask(m).catch((e: unknown) => e)) as LlmError;
    expect(error.kind).toBe("auth");
    expect(error.message).toContain("/key scripted");
    expect(llm?.requests).toHaveLength(1);
  });

  it("names an unreachable server and the variable to check", async () => {
    const m = createChatModel({
      provider: { ...scriptedProvider("http://127.0.0.1:9/v1"), name: "ollama" },
      model: "x",
      apiKey: () => undefined,
      timeoutMs: 2_000,
      retry: { maxRetries: 1, baseDelayMs: 1, maxDelayMs: 5 },
    });
    const error = (await ask(m).catch((e: unknown) => e)) as LlmError;
    expect(error.kind).toBe("unreachable");
    expect(error.message).toMatch(/OLLAMA_BASE_URL/);
    expect(error.details.attempts).toBe(2);
  });

  it("times out a server that accepts and never answers, then retries", async () => {
    const m = await model({}, true, 300);
    llm?.enqueue({ kind: "hang" }, { text: "second try" });
    const response = await ask(m);
    expect(response.text).toBe("second try");
  });

  it("does not retry once output has streamed, so nothing is shown twice", async () => {
    const m = await model();
    llm?.enqueue({ kind: "drop", afterChunks: 3, text: "partial answer here" }, { text: "never" });
    const error = await ask(m).catch((e: unknown) => e);
    expect(LlmError.isInstance(error)).toBe(true);
    expect(llm?.requests).toHaveLength(1);
  });

  it("stops at once when the caller aborts, without retrying", async () => {
    const m = await model();
    llm?.enqueue({ kind: "hang" }, { text: "never" });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    const error = (await m
      .chat({ messages: [{ role: "user", content: "x" }], tools: [], signal: controller.signal })
      .catch((e: unknown) => e)) as LlmError;
    expect(error.kind).toBe("aborted");
    expect(llm?.requests).toHaveLength(1);
  });

  it("reports an abort in the middle of a stream as aborted, not as a finished answer", async () => {
    const m = await model();
    llm?.enqueue({ text: "a long answer that keeps streaming", chunkDelayMs: 100 });
    const controller = new AbortController();
    const seen: string[] = [];
    const error = await m
      .chat({
        messages: [{ role: "user", content: "x" }],
        tools: [],
        signal: controller.signal,
        onText: (text) => {
          seen.push(text);
          if (seen.length === 2) controller.abort();
        },
      })
      .catch((e: unknown) => e);
    expect(LlmError.isInstance(error)).toBe(true);
    expect((error as LlmError).kind).toBe("aborted");
  });

  it("fails at once as aborted when the signal was aborted before the request started", async () => {
    const m = await model();
    llm?.enqueue({ kind: "hang" });
    const controller = new AbortController();
    controller.abort();
    const error = await m
      .chat({ messages: [{ role: "user", content: "x" }], tools: [], signal: controller.signal })
      .catch((e: unknown) => e);
    expect((error as LlmError).kind).toBe("aborted");
  });
});
