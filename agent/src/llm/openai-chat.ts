// The OpenAI-compatible wire protocol through the `openai` package: one attempt, streaming or whole, with
// reasoning deltas (`reasoning_content`, `reasoning`) kept apart from the answer. Retries live in retrying-chat.
import OpenAI from "openai";
import type { ChatModelOptions } from "./chat-model.js";
import { headerCost, usageCost } from "./cost.js";
import { connectionFailure, type Failure, ProtocolError, statusFailure } from "./failure.js";
import type { ChatResponse } from "./messages.js";
import { normaliseFinishReason } from "./messages.js";
import type { Attempt, Classify } from "./retrying-chat.js";
import { StreamAccumulator } from "./stream.js";

/** The attempt and error classifier for an OpenAI-compatible endpoint. */
export function openAiTransport(options: ChatModelOptions): { attempt: Attempt; classify: Classify } {
  const { provider, model } = options;
  // One client per key: building it per request cost measurable time per step (bench/README.md); the key is
  // still read at request time, so a /key change applies to the next request.
  let client: { key: string; openai: OpenAI } | undefined;
  const clientFor = (key: string): OpenAI => {
    if (client?.key !== key) {
      client = {
        key,
        openai: new OpenAI({
          baseURL: provider.baseURL,
          apiKey: key,
          maxRetries: 0,
          timeout: options.timeoutMs,
        }),
      };
    }
    return client.openai;
  };

  const attempt: Attempt = async (request, guard, started) => {
    const openai = clientFor(options.apiKey() ?? "no-key");
    const body = {
      model,
      messages: request.messages,
      ...(request.tools.length > 0
        ? {
            tools: request.tools.map((tool) => ({ type: "function" as const, function: tool })),
            tool_choice: "auto" as const,
          }
        : {}),
    };
    options.logger?.debug(
      { provider: provider.name, model, messages: request.messages.length, tools: request.tools.length },
      "LLM request",
    );
    if (!provider.stream) {
      const { data: completion, response: http } = await openai.chat.completions
        .create({ ...body, stream: false }, { signal: guard.signal })
        .withResponse();
      return withHeaderCost(wholeResponse(completion), http.headers);
    }
    const { data: stream, response: http } = await openai.chat.completions
      .create({ ...body, stream: true, stream_options: { include_usage: true } }, { signal: guard.signal })
      .withResponse();
    const accumulator = new StreamAccumulator();
    for await (const chunk of stream) {
      const delta = accumulator.push(chunk);
      guard.touch(delta.chars);
      started.value = accumulator.started;
      if (delta.reasoning) request.onReasoning?.(delta.reasoning);
      if (delta.text) request.onText?.(delta.text);
    }
    return withHeaderCost(accumulator.result(), http.headers);
  };

  const classify: Classify = (error): Failure | undefined => {
    if (error instanceof OpenAI.APIError && typeof error.status === "number") {
      const retryAfter = error.headers?.get?.("retry-after") ?? null;
      return statusFailure(error.status, error.message.replace(/^\d{3}\s*/, ""), retryAfter);
    }
    if (error instanceof OpenAI.APIConnectionTimeoutError)
      return { kind: "timeout", reason: "timed out", retryable: true };
    if (error instanceof OpenAI.APIConnectionError) {
      return (
        connectionFailure(error.cause) ?? {
          kind: "unreachable",
          reason: "connection failed",
          retryable: true,
        }
      );
    }
    if (ProtocolError.isInstance(error) || error instanceof SyntaxError) {
      return { kind: "protocol", reason: error.message, retryable: false };
    }
    return undefined;
  };
  return { attempt, classify };
}

type Completion = OpenAI.Chat.Completions.ChatCompletion;

function wholeResponse(completion: Completion): ChatResponse {
  const choice = completion.choices?.[0];
  if (!choice) throw new ProtocolError("the completion has no choices");
  const toolCalls = (choice.message.tool_calls ?? []).flatMap((call) =>
    call.type === "function"
      ? [{ id: call.id, type: "function" as const, function: { ...call.function } }]
      : [],
  );
  const response: ChatResponse = {
    text: choice.message.content ?? "",
    toolCalls,
    finishReason: normaliseFinishReason(choice.finish_reason, toolCalls.length > 0),
  };
  // Not in the OpenAI types: DeepSeek and vLLM send `reasoning_content`, OpenRouter `reasoning`.
  const extra = choice.message as { reasoning_content?: unknown; reasoning?: unknown };
  const reasoning = extra.reasoning_content ?? extra.reasoning;
  if (typeof reasoning === "string" && reasoning) response.reasoning = reasoning;
  if (completion.usage) {
    const cost = usageCost(completion.usage);
    response.usage = {
      promptTokens: completion.usage.prompt_tokens,
      completionTokens: completion.usage.completion_tokens,
      ...(cost !== undefined ? { cost } : {}),
    };
  }
  return response;
}

/** LiteLLM prices whole responses in a header; a cost in the usage object (OpenRouter) wins. */
function withHeaderCost(response: ChatResponse, headers: Headers): ChatResponse {
  const cost = headerCost(headers);
  if (cost === undefined || !response.usage || response.usage.cost !== undefined) return response;
  response.usage.cost = cost;
  return response;
}
