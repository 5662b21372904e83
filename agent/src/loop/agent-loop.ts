// The tool-calling loop: user message → model (with the tool list) → tool calls run concurrently (a few at a
// time) → results appended in call order → repeat, until the model answers without tools, a guard stops it, or
// the user aborts.
import type { ChatModel } from "../llm/client.js";
import { LlmError } from "../llm/llm-error.js";
import type { ChatMessage, ChatResponse, ToolCall, Usage } from "../llm/messages.js";
import type { EmitEvent, StopReason, TurnResult } from "./events.js";
import { RepeatGuard, repeatWarning } from "./guards.js";
import type { History } from "./history.js";
import { mapLimited } from "./map-limited.js";
import { buildSystemPrompt } from "./system-prompt.js";
import type { ToolResult, ToolSource, ToolSpec } from "./tools.js";

export interface AgentLoopOptions {
  /** The model to use for the next request (the provider can change between turns). */
  model: () => ChatModel;
  tools: ToolSource;
  history: History;
  workspaceRoot: string;
  maxSteps: number;
  /** Removes secrets from text before it goes to the model (tool results). */
  scrub: (text: string) => string;
  /** Extra system prompt sections for this turn's input (skills, playbooks). */
  promptSections?: (input: string) => readonly string[];
  /** Called with each step's usage, after the session total is updated. */
  onUsage?: (step: Usage) => void;
  /** Tool calls of one response that run at once; the rest wait their turn. Default 8. */
  maxConcurrentCalls?: number;
}

/** A response may hold hundreds of calls: each may start a process in the sandbox, so only this many run at once. */
export const DEFAULT_MAX_CONCURRENT_CALLS = 8;

export interface RunTurnOptions {
  signal: AbortSignal;
  emit?: EmitEvent;
}

export class AgentLoop {
  private readonly total: Usage = { promptTokens: 0, completionTokens: 0 };

  constructor(private readonly options: AgentLoopOptions) {}

  /** Tokens used in this session so far. */
  get usage(): Usage {
    return { ...this.total };
  }

  async runTurn(input: string, { signal, emit = () => {} }: RunTurnOptions): Promise<TurnResult> {
    const { history, maxSteps } = this.options;
    const sections = this.options.promptSections?.(input) ?? [];
    const guard = new RepeatGuard();
    history.append({ role: "user", content: input });
    let lastText = "";
    const end = (reason: StopReason, steps: number, message?: string): TurnResult => {
      const result: TurnResult = { reason, text: lastText, steps, ...(message ? { message } : {}) };
      emit({ type: "turn_end", result });
      return result;
    };

    for (let step = 1; ; step++) {
      if (step > maxSteps) {
        return end(
          "max_steps",
          step - 1,
          `Stopped after ${maxSteps} steps (the step limit; raise it with --max-steps or MAX_STEPS). ` +
            'The work so far is kept: say "continue" to go on.',
        );
      }
      if (signal.aborted) return end("aborted", step - 1, "Interrupted.");
      emit({ type: "step_start", step, maxSteps });

      let response: ChatResponse;
      let tools: ToolSpec[];
      let streamed = "";
      try {
        tools = await this.options.tools.listTools(signal);
      } catch (error) {
        if (signal.aborted) return end("aborted", step - 1, "Interrupted.");
        const reason = error instanceof Error ? error.message : String(error);
        return end("sandbox_error", step - 1, `The tools are unavailable: ${reason}`);
      }
      try {
        const model = this.options.model();
        response = await model.chat({
          messages: this.requestMessages(tools, sections),
          tools,
          signal,
          onText: (text) => {
            streamed += text;
            emit({ type: "text_delta", text });
          },
          onRetry: (info) => emit({ type: "retry", ...info }),
        });
      } catch (error) {
        // Keep what the user saw: a partial streamed answer stays in the history as said.
        if (streamed) history.append({ role: "assistant", content: streamed });
        if (signal.aborted || (LlmError.isInstance(error) && error.kind === "aborted")) {
          return end("aborted", step, "Interrupted.");
        }
        if (LlmError.isInstance(error)) return end("llm_error", step, error.message);
        throw error;
      }

      if (response.usage) {
        this.total.promptTokens += response.usage.promptTokens;
        this.total.completionTokens += response.usage.completionTokens;
        this.options.onUsage?.(response.usage);
        emit({ type: "usage", step: response.usage, total: this.usage });
      }
      lastText = response.text;
      const assistant: ChatMessage = { role: "assistant", content: response.text || null };
      if (response.toolCalls.length === 0) {
        history.append({ role: "assistant", content: response.text });
        return end("done", step);
      }
      assistant.tool_calls = response.toolCalls;

      const verdicts = response.toolCalls.map((call) => {
        const args = parseArguments(call);
        return guard.check(call.function.name, args.ok ? args.value : call.function.arguments);
      });
      const results = await this.runCalls(response, tools, verdicts, signal, emit);
      history.append(
        assistant,
        ...response.toolCalls.map((call, i) => ({
          role: "tool" as const,
          tool_call_id: call.id,
          content: results[i]?.text ?? "",
        })),
      );
      if (signal.aborted) return end("aborted", step, "Interrupted.");
      if (verdicts.includes("stop")) {
        return end(
          "repeated_calls",
          step,
          "Stopped: the model kept repeating the same tool call after being told. Rephrase the task or give " +
            "it more detail.",
        );
      }
    }
  }

  private requestMessages(tools: ToolSpec[], sections: readonly string[]): ChatMessage[] {
    const messages = this.options.history.prune();
    const system = buildSystemPrompt({
      workspaceRoot: this.options.workspaceRoot,
      toolNames: tools.map((t) => t.name),
      sections,
      droppedMessages: this.options.history.dropped,
    });
    return [{ role: "system", content: system }, ...messages];
  }

  /** Runs the calls of one response concurrently, a few at a time; results come back in call order. */
  private runCalls(
    response: ChatResponse,
    tools: ToolSpec[],
    verdicts: readonly string[],
    signal: AbortSignal,
    emit: EmitEvent,
  ): Promise<ToolResult[]> {
    const known = new Set(tools.map((t) => t.name));
    const limit = this.options.maxConcurrentCalls ?? DEFAULT_MAX_CONCURRENT_CALLS;
    return mapLimited(response.toolCalls, limit, async (call, i): Promise<ToolResult> => {
      const name = call.function.name;
      const args = parseArguments(call);
      emit({ type: "tool_start", callId: call.id, name, args: args.ok ? args.value : undefined });
      const started = Date.now();
      const result = await this.runCall(call, args, {
        truncated: response.finishReason === "length",
        repeated: verdicts[i] !== "ok",
        known,
        signal,
        emit,
      });
      const scrubbed = { ...result, text: this.options.scrub(result.text) };
      emit({ type: "tool_end", callId: call.id, name, result: scrubbed, durationMs: Date.now() - started });
      return scrubbed;
    });
  }

  private async runCall(
    call: ToolCall,
    args: ParsedArguments,
    context: {
      truncated: boolean;
      repeated: boolean;
      known: Set<string>;
      signal: AbortSignal;
      emit: EmitEvent;
    },
  ): Promise<ToolResult> {
    const name = call.function.name;
    if (context.truncated) {
      return failure(
        `Not run: your response was cut off (finish_reason "length"), so the arguments of ${name || "this call"} ` +
          "may be incomplete. Send a shorter call, for example write a large file in parts.",
      );
    }
    if (context.repeated) return failure(repeatWarning(name));
    if (!context.known.has(name)) {
      const available = [...context.known].join(", ") || "none";
      return failure(`Unknown tool "${name}". Available tools: ${available}.`);
    }
    if (!args.ok) return failure(`Not run: ${args.error}`);
    if (context.signal.aborted) return failure("Interrupted by the user before it ran.");
    try {
      const running = this.options.tools.callTool(name, args.value, {
        signal: context.signal,
        onProgress: (chunk) => context.emit({ type: "tool_progress", callId: call.id, name, chunk }),
      });
      // A tool that ignores the abort must not hold the REPL: answer at once, let it finish in the background.
      return await raceAbort(running, context.signal);
    } catch (error) {
      if (context.signal.aborted) return failure("Interrupted by the user before it finished.");
      const message = error instanceof Error ? error.message : String(error);
      return failure(`${name} failed: ${message}`);
    }
  }
}

type ParsedArguments = { ok: true; value: Record<string, unknown> } | { ok: false; error: string };

export function parseArguments(call: ToolCall): ParsedArguments {
  const text = call.function.arguments.trim();
  if (text === "") return { ok: true, value: {} };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return {
      ok: false,
      error:
        `the arguments of ${call.function.name} are not valid JSON (${reason}). ` +
        "Send one JSON object that matches the tool's schema.",
    };
  }
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    const kind = value === null ? "null" : Array.isArray(value) ? "an array" : typeof value;
    return { ok: false, error: `the arguments of ${call.function.name} must be a JSON object, not ${kind}.` };
  }
  return { ok: true, value: value as Record<string, unknown> };
}

function failure(text: string): ToolResult {
  return { text, isError: true };
}

function raceAbort<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener("abort", onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener("abort", onAbort);
        reject(error);
      },
    );
  });
}
