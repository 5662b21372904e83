// What a request cost, only as the provider reported it: OpenRouter's `usage.cost` (streamed and whole),
// LiteLLM's `x-litellm-response-cost` header, 0 for Ollama, and nothing at all when the server says nothing.
import { afterEach, describe, expect, it } from "vitest";
import type { ChatModel } from "../../agent/src/llm/client.js";
import { createChatModel } from "../../agent/src/llm/client.js";
import { headerCost, usageCost } from "../../agent/src/llm/cost.js";
import { ScriptedLlm } from "../support/scripted-llm.js";
import { scriptedModel } from "../support/scripted-model.js";

let llm: ScriptedLlm | undefined;
afterEach(async () => {
  await llm?.close();
  llm = undefined;
});

const ask = (m: ChatModel) =>
  m.chat({ messages: [{ role: "user", content: "hi" }], tools: [], signal: new AbortController().signal });

describe("request cost", () => {
  it("reads OpenRouter's usage.cost from the last streamed chunk", async () => {
    llm = await ScriptedLlm.start();
    llm.enqueue({ text: "ok", usage: { prompt: 194, completion: 2, cost: 0.00095 } });
    const response = await ask(scriptedModel(llm.baseURL));
    expect(response.usage).toEqual({ promptTokens: 194, completionTokens: 2, cost: 0.00095 });
  });

  it("reads usage.cost from a whole response", async () => {
    llm = await ScriptedLlm.start();
    llm.enqueue({ text: "ok", usage: { prompt: 10, completion: 2, cost: 0.5 } });
    const response = await ask(scriptedModel(llm.baseURL, { stream: false }));
    expect(response.usage?.cost).toBe(0.5);
  });

  it("reads LiteLLM's x-litellm-response-cost header when the usage has no cost", async () => {
    llm = await ScriptedLlm.start();
    llm.enqueue({
      text: "ok",
      usage: { prompt: 10, completion: 2 },
      headers: { "x-litellm-response-cost": "0.000415" },
    });
    const response = await ask(scriptedModel(llm.baseURL, { stream: false }));
    expect(response.usage?.cost).toBe(0.000415);
  });

  it("invents no cost when the server reports none", async () => {
    llm = await ScriptedLlm.start();
    llm.enqueue({ text: "ok", usage: { prompt: 10, completion: 2 } }, { text: "ok" });
    const model = scriptedModel(llm.baseURL);
    expect((await ask(model)).usage).toEqual({ promptTokens: 10, completionTokens: 2 });
    expect((await ask(scriptedModel(llm.baseURL, { stream: false }))).usage?.cost).toBeUndefined();
  });

  it("counts Ollama's native API as free: cost 0", async () => {
    llm = await ScriptedLlm.start({ ollama: true });
    llm.models["qwen"] = { contextLength: 8192 };
    llm.enqueue({ text: "ok", usage: { prompt: 10, completion: 2 } });
    const model = createChatModel({
      provider: {
        name: "ollama",
        api: "ollama",
        baseURL: llm.rootURL,
        defaultModel: "qwen",
        keyName: "ollama",
        requiresKey: false,
        stream: true,
      },
      model: "qwen",
      apiKey: () => undefined,
      timeoutMs: 5_000,
      retry: { maxRetries: 0, baseDelayMs: 1, maxDelayMs: 1 },
    });
    expect((await ask(model)).usage).toEqual({ promptTokens: 10, completionTokens: 2, cost: 0 });
  });

  it("accepts only finite, non-negative numbers", () => {
    expect(usageCost({ cost: "1" })).toBeUndefined();
    expect(usageCost({ cost: -1 })).toBeUndefined();
    expect(usageCost({ cost: Number.NaN })).toBeUndefined();
    expect(usageCost(null)).toBeUndefined();
    expect(headerCost(new Headers({ "x-litellm-response-cost": "abc" }))).toBeUndefined();
    expect(headerCost(new Headers({ "x-litellm-response-cost": "" }))).toBeUndefined();
    expect(headerCost(new Headers())).toBeUndefined();
  });
});
