// A ChatModel pointed at the scripted LLM server, as the tests build it: provider "scripted", no key, no
// retries unless asked. The loop, skill and client tests share it so they cannot drift apart.
import { type ChatModel, createChatModel } from "../../agent/src/llm/client.js";
import type { Provider } from "../../agent/src/llm/providers.js";
import type { RetryPolicy } from "../../agent/src/llm/retry.js";

export function scriptedProvider(baseURL: string, stream = true): Provider {
  return {
    name: "scripted",
    api: "openai",
    baseURL,
    defaultModel: "m",
    keyName: "scripted",
    requiresKey: false,
    stream,
  };
}

export interface ScriptedModelOptions {
  stream?: boolean;
  timeoutMs?: number;
  retry?: RetryPolicy;
  apiKey?: string;
}

export function scriptedModel(baseURL: string, options: ScriptedModelOptions = {}): ChatModel {
  return createChatModel({
    provider: scriptedProvider(baseURL, options.stream ?? true),
    model: "scripted-model",
    apiKey: () => options.apiKey,
    timeoutMs: options.timeoutMs ?? 5_000,
    retry: options.retry ?? { maxRetries: 0, baseDelayMs: 1, maxDelayMs: 1 },
  });
}
