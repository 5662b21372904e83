// Accumulates a streamed chat completion into one response: text, tool calls, finish reason, usage.
// Hand-written because Ollama and LiteLLM's ollama route repeat `index: 0` (or omit it) for parallel calls.
import { usageCost } from "./cost.js";
import type { ChatResponse, ToolCall, Usage } from "./messages.js";
import { normaliseFinishReason } from "./messages.js";

/** One tool-call fragment of a streamed delta. */
export interface ToolCallDelta {
  index?: number;
  id?: string | null;
  function?: { name?: string | null; arguments?: string | null };
}

/** The parts of a streamed chunk we read; every field optional, as real servers omit them freely. */
export interface StreamChunk {
  choices?: Array<{
    delta?: {
      content?: string | null;
      /** DeepSeek, vLLM, LM Studio: the model's reasoning, apart from the answer. */
      reasoning_content?: string | null;
      /** OpenRouter, Ollama's /v1: the same under another name. */
      reasoning?: string | null;
      tool_calls?: ToolCallDelta[] | null;
    };
    finish_reason?: string | null;
  }>;
  /** `cost` is OpenRouter's (and newer LiteLLM's) price of the request, when the server reports one. */
  usage?: { prompt_tokens?: number; completion_tokens?: number; cost?: number } | null;
}

interface PendingCall {
  index: number | undefined;
  id: string | undefined;
  name: string;
  arguments: string;
}

/** What one chunk added: answer text and reasoning, "" when none. */
export interface ChunkDelta {
  text: string;
  reasoning: string;
  /** Characters of text, reasoning and tool-call arguments (for the response size cap). */
  chars: number;
}

export class StreamAccumulator {
  private text = "";
  private reasoning = "";
  private readonly calls: PendingCall[] = [];
  private finishReason: string | null | undefined;
  private usage: Usage | undefined;

  /** Feeds one chunk; returns the text and reasoning it carried so callers can stream them on. */
  push(chunk: StreamChunk): ChunkDelta {
    if (chunk.usage) {
      const cost = usageCost(chunk.usage);
      this.usage = {
        promptTokens: chunk.usage.prompt_tokens ?? 0,
        completionTokens: chunk.usage.completion_tokens ?? 0,
        ...(cost !== undefined ? { cost } : {}),
      };
    }
    const delta: ChunkDelta = { text: "", reasoning: "", chars: 0 };
    for (const choice of chunk.choices ?? []) {
      const content = choice.delta?.content;
      if (content) {
        this.text += content;
        delta.text += content;
      }
      const reasoning = choice.delta?.reasoning_content ?? choice.delta?.reasoning;
      if (reasoning) {
        this.reasoning += reasoning;
        delta.reasoning += reasoning;
      }
      for (const part of choice.delta?.tool_calls ?? []) {
        this.pushToolCall(part);
        delta.chars += part.function?.arguments?.length ?? 0;
      }
      if (choice.finish_reason) this.finishReason = choice.finish_reason;
    }
    delta.chars += delta.text.length + delta.reasoning.length;
    return delta;
  }

  /** True once any text or tool call has arrived: a retry would then repeat visible output. */
  get started(): boolean {
    return this.text.length > 0 || this.reasoning.length > 0 || this.calls.length > 0;
  }

  result(): ChatResponse {
    const toolCalls: ToolCall[] = this.calls.map((call, i) => ({
      id: call.id ?? `call_${i}_${Date.now().toString(36)}`,
      type: "function",
      function: { name: call.name, arguments: call.arguments },
    }));
    const response: ChatResponse = {
      text: this.text,
      toolCalls,
      finishReason: normaliseFinishReason(this.finishReason, toolCalls.length > 0),
    };
    if (this.usage) response.usage = this.usage;
    if (this.reasoning) response.reasoning = this.reasoning;
    return response;
  }

  private pushToolCall(part: ToolCallDelta): void {
    const id = part.id ?? undefined;
    const index = part.index ?? undefined;
    const name = part.function?.name;
    let target = this.findTarget(id, index);
    // No id, same index, but a fresh name after complete arguments: a server that sends each parallel call
    // whole under `index: 0` without ids. That is a new call, not more of the last one.
    if (!id && name && target.name && target.arguments) target = this.startCall(undefined, index);
    // OpenAI sends the name once; a few servers resend it with every delta. Never double it.
    if (name && target.name !== name)
      target.name = target.name && !target.arguments ? target.name + name : name;
    if (part.function?.arguments) target.arguments += part.function.arguments;
  }

  /**
   * Which call a delta belongs to. A new `id` always starts a new call (Ollama repeats `index: 0` with a new id
   * for each parallel call); a delta without an id continues the latest call with its index, or the latest call.
   */
  private findTarget(id: string | undefined, index: number | undefined): PendingCall {
    if (id) {
      const known = this.calls.find((call) => call.id === id);
      if (known) return known;
      const last = this.calls.at(-1);
      // A first delta may carry the index alone and the id only later: adopt it rather than split the call.
      if (last && last.id === undefined && last.index === index && !last.arguments) {
        last.id = id;
        return last;
      }
      return this.startCall(id, index);
    }
    if (index !== undefined) {
      for (let i = this.calls.length - 1; i >= 0; i--) {
        const call = this.calls[i];
        if (call && call.index === index) return call;
      }
      return this.startCall(undefined, index);
    }
    return this.calls.at(-1) ?? this.startCall(undefined, undefined);
  }

  private startCall(id: string | undefined, index: number | undefined): PendingCall {
    const call: PendingCall = { id, index, name: "", arguments: "" };
    this.calls.push(call);
    return call;
  }
}
