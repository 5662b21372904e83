// The tool-calling loop: user message → model (with the tool list) → tool calls run concurrently (a few at a
// time) → results appended in call order → repeat, until the model answers without tools, a guard stops it, or
// the user aborts.
import type { ChatModel } from "../llm/client.js";
import type { ContextWindow } from "../llm/context-window.js";
import { LlmError } from "../llm/llm-error.js";
import type { ChatMessage, ChatResponse, ToolCall, Usage } from "../llm/messages.js";
import { type CompactResult, compactHistory } from "./compaction.js";
import { type ContextReport, describeContext } from "./context-report.js";
import type { EmitEvent, StopReason, TurnResult } from "./events.js";
import { RepeatGuard, repeatWarning } from "./guards.js";
import { estimateTextTokens, estimateTokens, type History } from "./history.js";
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
  /** Sections that follow the tools offered in each request (code mode's API), asked at every step. */
  toolSections?: (offered: readonly ToolSpec[]) => readonly string[];
  /** Called with each step's usage, after the session total is updated. */
  onUsage?: (step: Usage) => void;
  /** Tool calls of one response that run at once; the rest wait their turn. Default 8. */
  maxConcurrentCalls?: number;
  /** The project instructions section of the system prompt (AGENTS.md files), "" when there are none. */
  instructions?: () => string;
  /** Compact automatically when a request would fill this percent of the room for the prompt; 0: never. */
  compactAtPercent?: number;
}

/** A response may hold hundreds of calls: each may start a process in the sandbox, so only this many run at once. */
export const DEFAULT_MAX_CONCURRENT_CALLS = 8;

export interface RunTurnOptions {
  signal: AbortSignal;
  emit?: EmitEvent;
}

/** Tokens kept free for the model's answer: a quarter of the window, at most 8k. */
export function reservedOutputTokens(window: number): number {
  return Math.min(8_192, Math.floor(window / 4));
}

/** Tokens a prompt may use: the window less the answer's room, with a tenth kept as margin for our estimate. */
export function promptRoom(window: number): number {
  return Math.floor((window - reservedOutputTokens(window)) * 0.9);
}

/** Tokens of recent conversation compaction keeps verbatim: 30% of the history's room, at most 20k. */
export function keepRecentTokens(historyRoom: number): number {
  return Math.max(200, Math.min(20_000, Math.floor(historyRoom * 0.3)));
}

/** What one request is sized from, for the budget and for noticing a server that cut the prompt. */
interface RequestPlan {
  messages: ChatMessage[];
  /** Our estimate of the prompt's tokens (system, tools, messages). */
  estimatedTokens: number;
  window: ContextWindow;
  /** The window the request was sized to (the server's, or smaller when one was seen cutting prompts). */
  windowTokens: number;
}

export class AgentLoop {
  private readonly total: Usage = { promptTokens: 0, completionTokens: 0 };
  /** Notes for the model's next request (a cut prompt, a cut answer), said once in the system prompt. */
  private readonly notesForModel: string[] = [];
  /** A window smaller than reported, learnt from a server that cut the prompt. */
  private observedWindow: number | undefined;
  /** The tools offered in the last request (for /context without listing them again). */
  private lastTools: ToolSpec[] | undefined;
  /** The last request as counted: the server's prompt tokens when reliable, else our estimate, plus the answer. */
  private lastContext: { tokens: number; window: number } | undefined;

  constructor(private readonly options: AgentLoopOptions) {}

  /** Tokens used in this session so far (and the cost, when the provider reported one). */
  get usage(): Usage {
    return { ...this.total };
  }

  /** The last request's tokens against the window it was sized to; undefined before the first request. */
  get context(): { tokens: number; window: number } | undefined {
    return this.lastContext && { ...this.lastContext };
  }

  /** Summarises the older turns now (/compact), keeping the most recent ones verbatim. */
  async compact(options: { focus?: string; signal: AbortSignal; emit?: EmitEvent }): Promise<CompactResult> {
    const model = this.options.model();
    const window = await this.windowTokens(model, options.signal);
    return compactHistory(this.options.history, {
      model,
      window,
      // By hand: keep at most half of what there is, so there is always something to summarise.
      keepRecentTokens: Math.min(
        keepRecentTokens(promptRoom(window)),
        Math.floor(this.options.history.totalTokens() / 2),
      ),
      reason: "manual",
      ...(options.focus ? { focus: options.focus } : {}),
      signal: options.signal,
      emit: options.emit ?? (() => {}),
      onUsage: (usage) => this.recordUsage(usage),
    });
  }

  /** What the next request would hold, part by part, against the window (/context). */
  async describeContext(signal: AbortSignal): Promise<ContextReport> {
    const model = this.options.model();
    const reported = await model.contextWindow(signal);
    const window = await this.windowTokens(model, signal);
    const tools = this.lastTools ?? (await this.options.tools.listTools(signal));
    return describeContext({
      window,
      windowSource: reported.source,
      reservedForAnswer: reservedOutputTokens(window),
      promptRoom: promptRoom(window),
      baseSystem: buildSystemPrompt({
        workspaceRoot: this.options.workspaceRoot,
        toolNames: tools.map((t) => t.name),
      }),
      instructions: this.options.instructions?.() ?? "",
      sections: [...(this.options.promptSections?.("") ?? []), ...(this.options.toolSections?.(tools) ?? [])],
      tools,
      history: this.options.history,
      compactAtPercent: this.compactAtPercent,
      lastRequest: this.lastContext,
    });
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
      let reasoned = "";
      try {
        tools = await this.options.tools.listTools(signal);
      } catch (error) {
        if (signal.aborted) return end("aborted", step - 1, "Interrupted.");
        const reason = error instanceof Error ? error.message : String(error);
        return end("sandbox_error", step - 1, `The tools are unavailable: ${reason}`);
      }
      let plan: RequestPlan | undefined;
      try {
        const model = this.options.model();
        const stepSections = [...sections, ...(this.options.toolSections?.(tools) ?? [])];
        plan = await this.planRequest(model, tools, stepSections, signal, emit);
        response = await model.chat({
          messages: plan.messages,
          tools,
          signal,
          onText: (text) => {
            streamed += text;
            emit({ type: "text_delta", text });
          },
          onReasoning: (text) => {
            reasoned += text;
            emit({ type: "reasoning_delta", text });
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
      // A whole (non-streamed) answer reaches the front ends the same way a streamed one does.
      if (!reasoned && response.reasoning) emit({ type: "reasoning_delta", text: response.reasoning });
      if (!streamed && response.text) emit({ type: "text_delta", text: response.text });
      this.checkPromptKept(plan, response, emit);
      this.lastContext = {
        tokens:
          (plan.window.promptCountReliable && response.usage?.promptTokens
            ? response.usage.promptTokens
            : plan.estimatedTokens) + (response.usage?.completionTokens ?? 0),
        window: plan.windowTokens,
      };
      if (response.usage) {
        this.recordUsage(response.usage);
        this.options.onUsage?.(response.usage);
        emit({ type: "usage", step: response.usage, total: this.usage, context: this.lastContext });
      }
      lastText = response.text;
      const assistant: ChatMessage = { role: "assistant", content: response.text || null };
      if (response.toolCalls.length === 0 && response.cutToolCall) {
        // The model meant to call a tool but its call was cut: say so, and let it try again in a new step.
        history.append({ role: "assistant", content: response.text || "(a tool call, cut off)" });
        emit({
          type: "notice",
          text: "The model's tool call was cut off at its output limit and was not run.",
        });
        this.notesForModel.push(
          "Your last tool call was cut off at the output limit and was not run. Send a shorter call: " +
            "for example write a large file in parts, or edit instead of rewriting.",
        );
        continue;
      }
      if (response.toolCalls.length === 0) {
        history.append({ role: "assistant", content: response.text });
        if (response.finishReason === "length") {
          const note =
            'The answer was cut off: the model reached its output limit. Say "continue" for the rest.';
          emit({ type: "notice", text: note });
          this.notesForModel.push(
            "Your previous answer was cut off at the output limit; finish it concisely.",
          );
        }
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

  /**
   * The messages for the next request, fitted to the model's context window: the window (asked of the server,
   * or learnt from one that cut a prompt) less room for the answer, the system prompt and the tools. Near the
   * limit the older turns are first summarised (compaction); what still does not fit is pruned.
   */
  private async planRequest(
    model: ChatModel,
    tools: ToolSpec[],
    sections: readonly string[],
    signal: AbortSignal,
    emit: EmitEvent,
  ): Promise<RequestPlan> {
    const reported = await model.contextWindow(signal);
    const window = Math.min(reported.tokens, this.observedWindow ?? Number.POSITIVE_INFINITY);
    const history = this.options.history;
    const system = () =>
      buildSystemPrompt({
        workspaceRoot: this.options.workspaceRoot,
        toolNames: tools.map((t) => t.name),
        instructions: this.options.instructions?.() ?? "",
        sections,
        droppedMessages: history.dropped,
        notes: this.notesForModel,
      });
    const fixed = estimateTextTokens(system()) + estimateTextTokens(JSON.stringify(tools));
    const room = promptRoom(window);
    const budget = room - fixed;
    // HISTORY_BUDGET_TOKENS caps the history below the window: compaction then comes before that cap.
    const limit = Math.min(room, fixed + (history.cap ?? Number.POSITIVE_INFINITY));
    if (this.compactAtPercent > 0 && fixed + history.totalTokens() > (limit * this.compactAtPercent) / 100) {
      await compactHistory(history, {
        model,
        window,
        keepRecentTokens: keepRecentTokens(limit - fixed),
        reason: "auto",
        signal,
        emit,
        onUsage: (usage) => this.recordUsage(usage),
      });
      if (signal.aborted) throw signal.reason;
    }
    const messages = history.prune(Math.max(budget, 1_000));
    const content = system(); // after pruning: says how many messages were dropped
    this.notesForModel.length = 0;
    this.lastTools = tools;
    const estimatedTokens =
      estimateTextTokens(content) +
      estimateTextTokens(JSON.stringify(tools)) +
      messages.reduce((sum, message) => sum + estimateTokens(message), 0);
    emit({ type: "context", tokens: estimatedTokens, window });
    return {
      messages: [{ role: "system", content }, ...messages],
      estimatedTokens,
      window: reported,
      windowTokens: window,
    };
  }

  private get compactAtPercent(): number {
    return this.options.compactAtPercent ?? 80;
  }

  /** The window requests are sized to: the server's, or less when one was seen cutting prompts. */
  private async windowTokens(model: ChatModel, signal: AbortSignal): Promise<number> {
    const reported = await model.contextWindow(signal);
    return Math.min(reported.tokens, this.observedWindow ?? Number.POSITIVE_INFINITY);
  }

  /** Adds a request's tokens (and cost) to the session's totals. */
  recordUsage(usage: Usage): void {
    this.total.promptTokens += usage.promptTokens;
    this.total.completionTokens += usage.completionTokens;
    if (usage.cost !== undefined) this.total.cost = (this.total.cost ?? 0) + usage.cost;
  }

  /**
   * A server that reports far fewer prompt tokens than were sent has cut the prompt (Ollama's OpenAI route
   * runs every request in its default window: ollama/ollama#5902). Nothing is cut silently: the user and the
   * model are told, and later requests are sized to what the server kept.
   */
  private checkPromptKept(plan: RequestPlan | undefined, response: ChatResponse, emit: EmitEvent): void {
    const kept = response.usage?.promptTokens ?? 0;
    if (!plan || kept <= 0 || !plan.window.promptCountReliable) return;
    const sent = plan.estimatedTokens;
    if (kept >= sent * 0.5 || sent - kept < 1_000) return;
    this.observedWindow = Math.max(2_048, Math.floor(kept / 0.9));
    emit({
      type: "notice",
      text:
        `The server kept only ${kept} of about ${sent} prompt tokens: its context window is smaller than the ` +
        "model's. Later requests are cut to fit; for Ollama use the ollama provider (native API, num_ctx), " +
        "else set CONTEXT_WINDOW to the server's window.",
    });
    this.notesForModel.push(
      "The server cut the start of the last request to fit its context window: instructions or earlier " +
        "results may be missing. Re-read files you need rather than relying on memory.",
    );
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
