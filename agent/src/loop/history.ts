// The conversation the model sees: a compaction summary at its head, a token budget with pruning of whole
// old turns, and pair integrity (every tool call has exactly one result, in order), so what we send is valid.
import type { ChatMessage } from "../llm/messages.js";
import { type ConversationSummary, summaryMessages } from "./conversation-summary.js";

export interface HistoryOptions {
  /** A cap on the messages' tokens (HISTORY_BUDGET_TOKENS), below what the context window allows. */
  budgetTokens?: number | undefined;
  /** Called for every appended message (the session log listens). */
  onAppend?: (message: ChatMessage) => void;
  /** Called when compaction replaced the older messages (the session log records it, for --resume). */
  onCompact?: (compaction: Compaction) => void;
}

/** The history after a compaction: the summary at the head, then the messages kept verbatim. */
export interface Compaction {
  /** "summarised": the summary covers the removed messages; "dropped": they are gone (the summary call failed). */
  outcome: "summarised" | "dropped";
  /** The summary now at the head (after "dropped", the earlier one, if any). */
  summary: ConversationSummary | undefined;
  /** The messages kept verbatim, in order. */
  messages: ChatMessage[];
  /** How many messages were removed. */
  removed: number;
}

/** ~4 characters per token plus a per-message overhead: good enough to stay under a context window. */
export function estimateTokens(message: ChatMessage): number {
  let chars = message.content?.length ?? 0;
  if (message.role === "assistant") {
    for (const call of message.tool_calls ?? [])
      chars += call.function.name.length + call.function.arguments.length;
  }
  return estimateTextTokens(chars) + 4;
}

/** Tokens of a text (or of `chars` characters) by the same rule. */
export function estimateTextTokens(text: string | number): number {
  return Math.ceil((typeof text === "number" ? text : text.length) / 4);
}

export class History {
  private items: ChatMessage[] = [];
  private droppedMessages = 0;
  private summaryValue: ConversationSummary | undefined;

  constructor(private readonly options: HistoryOptions) {}

  /** The messages kept verbatim (without the summary). */
  get messages(): readonly ChatMessage[] {
    return this.items;
  }

  /** HISTORY_BUDGET_TOKENS, when set: the most the history may hold, below what the window allows. */
  get cap(): number | undefined {
    return this.options.budgetTokens;
  }

  /** The compaction summary at the head of what is sent, if the conversation was compacted. */
  get summary(): ConversationSummary | undefined {
    return this.summaryValue;
  }

  /** Messages dropped by pruning since the last clear. */
  get dropped(): number {
    return this.droppedMessages;
  }

  append(...messages: ChatMessage[]): void {
    for (const message of messages) {
      this.items.push(message);
      this.options.onAppend?.(message);
    }
  }

  /** Replaces everything (resume, rewind); repairs pairs a crash may have left incomplete. */
  restore(messages: readonly ChatMessage[], summary?: ConversationSummary): void {
    this.items = repairToolPairs(messages);
    this.summaryValue = summary;
    this.droppedMessages = 0;
  }

  /** Replaces the older messages by a summary (or drops them), keeping `compaction.messages` verbatim. */
  compact(compaction: Compaction): void {
    this.items = repairToolPairs(compaction.messages);
    this.summaryValue = compaction.summary;
    if (compaction.outcome === "dropped") this.droppedMessages += compaction.removed;
    this.options.onCompact?.(compaction);
  }

  clear(): void {
    this.items = [];
    this.summaryValue = undefined;
    this.droppedMessages = 0;
  }

  /** Tokens of the summary messages at the head (0 without a summary). */
  summaryTokens(): number {
    return summaryMessages(this.summaryValue).reduce((sum, message) => sum + estimateTokens(message), 0);
  }

  /** Tokens of everything sent: the summary and the messages. */
  totalTokens(): number {
    return this.summaryTokens() + this.items.reduce((sum, message) => sum + estimateTokens(message), 0);
  }

  /**
   * Prunes to `budgetTokens` (and the configured cap) and returns what to send: the summary (never pruned),
   * then the messages. Whole turns go first (oldest first, never the current one); if the current turn alone is
   * too big, its oldest completed tool steps go, never splitting a call from its result nor the user's request.
   */
  prune(budgetTokens = Number.POSITIVE_INFINITY): readonly ChatMessage[] {
    let total = this.totalTokens();
    const budget = Math.min(budgetTokens, this.options.budgetTokens ?? Number.POSITIVE_INFINITY);
    while (total > budget) {
      const cut = this.oldestRemovableSpan();
      if (!cut) break;
      const removed = this.items.splice(cut.start, cut.end - cut.start);
      this.droppedMessages += removed.length;
      total -= removed.reduce((sum, message) => sum + estimateTokens(message), 0);
    }
    return [...summaryMessages(this.summaryValue), ...this.items];
  }

  private oldestRemovableSpan(): { start: number; end: number } | undefined {
    const userIndexes = this.items.flatMap((m, i) => (m.role === "user" ? [i] : []));
    // A whole earlier turn: from its user message to the next user message.
    if (userIndexes.length >= 2) return { start: userIndexes[0] ?? 0, end: userIndexes[1] ?? 0 };
    // Within the only turn: the oldest assistant tool step and its results, if a later message remains.
    const first = this.items.findIndex((m) => m.role === "assistant");
    if (first < 0) return undefined;
    let end = first + 1;
    while (this.items[end]?.role === "tool") end++;
    return end < this.items.length ? { start: first, end } : undefined;
  }
}

/**
 * Makes a history valid for any OpenAI-compatible server: each assistant tool call is followed by exactly one
 * result in call order; a missing result is filled with a note, stray or duplicate results are dropped.
 */
export function repairToolPairs(messages: readonly ChatMessage[]): ChatMessage[] {
  const out: ChatMessage[] = [];
  for (let i = 0; i < messages.length; i++) {
    const message = messages[i];
    if (!message || message.role === "tool") continue; // results are consumed with their call below
    out.push(message);
    if (message.role !== "assistant" || !message.tool_calls?.length) continue;
    const results = new Map<string, ChatMessage>();
    let j = i + 1;
    for (; j < messages.length && messages[j]?.role === "tool"; j++) {
      const result = messages[j];
      if (result?.role === "tool" && !results.has(result.tool_call_id))
        results.set(result.tool_call_id, result);
    }
    for (const call of message.tool_calls) {
      out.push(
        results.get(call.id) ?? {
          role: "tool",
          tool_call_id: call.id,
          content: "No result was recorded for this call (the session was interrupted).",
        },
      );
    }
    i = j - 1;
  }
  return out;
}

/** True when every tool call has exactly one result right after its assistant message, in order. */
export function hasValidToolPairs(messages: readonly ChatMessage[]): boolean {
  const repaired = repairToolPairs(messages);
  return repaired.length === messages.length && repaired.every((m, i) => m === messages[i]);
}
