// The ollama provider on Ollama's native API, against the scripted server speaking /api/chat: the context
// window asked of /api/show and sent as num_ctx (the OpenAI route ignores it: ollama/ollama#5902), tool
// arguments as objects and results named by tool, thinking apart, and a missing model named with its fix.
import { afterEach, describe, expect, it } from "vitest";
import type { ChatModelOptions } from "../../agent/src/llm/chat-model.js";
import { createChatModel } from "../../agent/src/llm/client.js";
import { LlmError } from "../../agent/src/llm/llm-error.js";
import type { ChatMessage } from "../../agent/src/llm/messages.js";
import { ScriptedLlm } from "../support/scripted-llm.js";

let llm: ScriptedLlm | undefined;
afterEach(async () => {
  await llm?.close();
  llm = undefined;
});

async function ollamaModel(settings: Partial<ChatModelOptions> = {}, stream = true) {
  llm = await ScriptedLlm.start({ ollama: true });
  llm.models["qwen2.5-coder:7b"] = { contextLength: 32_768, capabilities: ["completion", "tools"] };
  return createChatModel({
    provider: {
      name: "ollama",
      api: "ollama",
      baseURL: llm.rootURL,
      defaultModel: "qwen2.5-coder:7b",
      keyName: "ollama",
      requiresKey: false,
      stream,
    },
    model: "qwen2.5-coder:7b",
    apiKey: () => undefined,
    timeoutMs: 5_000,
    retry: { maxRetries: 0, baseDelayMs: 1, maxDelayMs: 1 },
    ...settings,
  });
}

const tools = [
  {
    name: "read_file",
    description: "read",
    parameters: { type: "object", properties: { path: { type: "string" } } },
  },
];
const signal = () => new AbortController().signal;

describe("the ollama provider (native API)", () => {
  it("asks /api/show for the context length and sends it as options.num_ctx on /api/chat", async () => {
    const model = await ollamaModel();
    llm?.enqueue({ text: "Hello from Ollama." });
    const window = await model.contextWindow();
    expect(window).toMatchObject({ tokens: 32_768, fromServer: true });
    const texts: string[] = [];
    const response = await model.chat({
      messages: [{ role: "user", content: "hi" }],
      tools,
      signal: signal(),
      onText: (t) => texts.push(t),
    });
    expect(response.text).toBe("Hello from Ollama.");
    expect(texts.length).toBeGreaterThan(1); // streamed as NDJSON parts
    const request = llm?.requests[0];
    expect(request?.path).toBe("/api/chat");
    expect(request?.body.options).toEqual({ num_ctx: 32_768 });
    expect(request?.body.stream).toBe(true);
  });

  it("caps num_ctx with OLLAMA_NUM_CTX, and sends think and keep_alive when set", async () => {
    const model = await ollamaModel({ ollama: { numCtxCap: 8_192, think: "low", keepAlive: "30m" } });
    llm?.enqueue({ text: "ok" });
    await model.chat({ messages: [{ role: "user", content: "hi" }], tools, signal: signal() });
    expect(llm?.requests[0]?.body).toMatchObject({
      options: { num_ctx: 8_192 },
      think: "low",
      keep_alive: "30m",
    });
    expect((await model.contextWindow()).source).toMatch(/capped by OLLAMA_NUM_CTX=8192/);
  });

  it("turns object arguments into calls, and sends calls back as objects with results named by tool", async () => {
    const model = await ollamaModel();
    llm?.enqueue({ toolCalls: [{ name: "read_file", arguments: { path: "a.txt" } }] }, { text: "done" });
    const first = await model.chat({
      messages: [{ role: "user", content: "read a" }],
      tools,
      signal: signal(),
    });
    expect(first.finishReason).toBe("tool_calls");
    const call = first.toolCalls[0];
    expect(call?.function).toEqual({ name: "read_file", arguments: '{"path":"a.txt"}' });
    const history: ChatMessage[] = [
      { role: "user", content: "read a" },
      { role: "assistant", content: null, tool_calls: first.toolCalls },
      { role: "tool", tool_call_id: call?.id ?? "", content: "alpha" },
    ];
    await model.chat({ messages: history, tools, signal: signal() });
    const sent = llm?.requests[1]?.body.messages;
    expect(sent?.[1]).toMatchObject({
      role: "assistant",
      tool_calls: [{ function: { name: "read_file", arguments: { path: "a.txt" } } }],
    });
    expect(sent?.[2]).toEqual({ role: "tool", content: "alpha", tool_name: "read_file" });
  });

  it("works without streaming, with usage from prompt_eval_count and eval_count", async () => {
    const model = await ollamaModel({}, false);
    llm?.enqueue({ text: "whole", usage: { prompt: 120, completion: 7 } });
    const response = await model.chat({
      messages: [{ role: "user", content: "hi" }],
      tools,
      signal: signal(),
    });
    expect(llm?.requests[0]?.body.stream).toBe(false);
    expect(response).toMatchObject({ text: "whole", usage: { promptTokens: 120, completionTokens: 7 } });
  });

  it("keeps Ollama's thinking apart from the answer", async () => {
    const model = await ollamaModel();
    llm?.enqueue({
      kind: "recorded",
      chunks: [
        {
          model: "m",
          message: { role: "assistant", content: "", thinking: "The user greets me." },
          done: false,
        },
        { model: "m", message: { role: "assistant", content: "Hi!" }, done: false },
        { model: "m", message: { role: "assistant", content: "" }, done: true, done_reason: "stop" },
      ],
    });
    const reasoning: string[] = [];
    const response = await model.chat({
      messages: [{ role: "user", content: "hi" }],
      tools,
      signal: signal(),
      onReasoning: (t) => reasoning.push(t),
    });
    expect(response.text).toBe("Hi!");
    expect(response.reasoning).toBe("The user greets me.");
    expect(reasoning.join("")).toBe("The user greets me.");
  });

  it("names a missing model and the command that fixes it", async () => {
    const model = await ollamaModel();
    llm?.enqueue({ kind: "error", status: 404, message: "model 'qwen2.5-coder:7b' not found" });
    const error = await model
      .chat({ messages: [{ role: "user", content: "hi" }], tools, signal: signal() })
      .catch((e: unknown) => e);
    expect(LlmError.isInstance(error)).toBe(true);
    expect((error as LlmError).kind).toBe("model-not-found");
    expect((error as LlmError).message).toContain("ollama pull qwen2.5-coder:7b");
  });
});
