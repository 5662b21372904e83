// A ChatModel for one provider and model: the wire protocol (OpenAI-compatible or Ollama's native API) behind
// retries and request caps, with what real models do in their text normalised on the way out: inline
// `<think>` reasoning split from the answer, and tool calls written as text (qwen2.5-coder's bare JSON,
// `<tool_call>`, Qwen3-Coder's XML, Mistral, Llama) turned into real calls. The loop sees one clean response.
import type { ChatModel, ChatModelOptions, ChatRequest } from "./chat-model.js";
import { type ContextWindow, DEFAULT_CONTEXT_WINDOW, discoverContextWindow } from "./context-window.js";
import type { ChatResponse, ToolCall } from "./messages.js";
import { defaultOllamaSettings, ollamaTransport } from "./ollama-chat.js";
import { openAiTransport } from "./openai-chat.js";
import { type Attempt, type Classify, chatWithRetries } from "./retrying-chat.js";
import { TextCallHold } from "./text-call-hold.js";
import { recoverTextToolCalls, textToolCallStart } from "./text-tool-calls.js";
import { splitThinkTags, ThinkTagSplitter } from "./think-tags.js";

export type { ChatModel, ChatModelOptions, ChatRequest, FunctionTool } from "./chat-model.js";

/** How long a window the server did not report is trusted before asking again. */
const FALLBACK_WINDOW_TTL_MS = 60_000;

export function createChatModel(options: ChatModelOptions): ChatModel {
  const { provider, model } = options;
  const contextWindow = cachedContextWindow(options);
  const transport =
    provider.api === "ollama"
      ? ollamaTransport(options, async (signal) => (await contextWindow(signal)).tokens)
      : openAiTransport(options);
  return {
    provider: provider.name,
    model,
    baseURL: provider.baseURL,
    contextWindow,
    chat: (request) => chat(options, transport, request),
  };
}

async function chat(
  options: ChatModelOptions,
  transport: { attempt: Attempt; classify: Classify },
  request: ChatRequest,
): Promise<ChatResponse> {
  const thinking = new ThinkTagSplitter();
  const shown = new TextCallHold((text) => request.onText?.(text));
  const forward = (split: { answer: string; reasoning: string }) => {
    if (split.reasoning) request.onReasoning?.(split.reasoning);
    if (split.answer) shown.push(split.answer);
  };
  const response = await chatWithRetries(
    options,
    { ...request, onText: (delta) => forward(thinking.push(delta)) },
    transport.attempt,
    transport.classify,
  );
  forward(thinking.flush());
  const split = splitThinkTags(response.text);
  response.text = split.answer;
  const reasoning = [response.reasoning, split.reasoning].filter(Boolean).join("\n");
  if (reasoning) response.reasoning = reasoning;
  if (recoverCalls(response, request)) shown.discard();
  else shown.release();
  return response;
}

/**
 * Tool calls the model wrote as text, made real: only when tools were offered and no structured call came,
 * only calls to offered tools, never from a cut response (finish_reason "length": the call may be incomplete).
 */
function recoverCalls(response: ChatResponse, request: ChatRequest): boolean {
  if (request.tools.length === 0 || response.toolCalls.length > 0) return false;
  if (response.finishReason === "length") {
    // A call cut mid-way is neither run nor shown as the answer: the loop tells the model to retry shorter.
    const start = textToolCallStart(response.text);
    if (start !== undefined) {
      response.text = response.text.slice(0, start).trim();
      response.cutToolCall = true;
      return true;
    }
    return false;
  }
  const recovered = recoverTextToolCalls(response.text, request.tools);
  if (!recovered) return false;
  const stamp = Date.now().toString(36);
  response.toolCalls = recovered.calls.map(
    (call, i): ToolCall => ({
      id: `call_text_${stamp}_${i}`,
      type: "function",
      function: { name: call.name, arguments: JSON.stringify(call.arguments) },
    }),
  );
  response.text = recovered.text;
  response.finishReason = "tool_calls";
  response.recoveredFrom = recovered.format;
  return true;
}

/** The model's context window, asked once; a figure the server did not give is asked again after a minute. */
function cachedContextWindow(options: ChatModelOptions): (signal?: AbortSignal) => Promise<ContextWindow> {
  let cached: { window: Promise<ContextWindow>; until: number } | undefined;
  return (signal) => {
    if (cached && Date.now() < cached.until) return cached.window;
    const window = discoverContextWindow({
      provider: options.provider,
      model: options.model,
      apiKey: options.apiKey(),
      fallback: options.contextWindowFallback ?? DEFAULT_CONTEXT_WINDOW,
      ollamaCap: (options.ollama ?? defaultOllamaSettings).numCtxCap,
      ...(signal ? { signal } : {}),
    });
    const entry = { window, until: Number.POSITIVE_INFINITY };
    cached = entry;
    void window.then((found) => {
      if (!found.fromServer) entry.until = Date.now() + FALLBACK_WINDOW_TTL_MS;
    });
    return window;
  };
}
