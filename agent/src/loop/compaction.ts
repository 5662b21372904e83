// Compaction: older turns summarised by the model into a structured summary kept at the head of the history,
// recent turns kept verbatim, tool calls never split from their results. The summary requests fit the window
// (in slices when needed) and stop on Ctrl-C; when they fail, the older turns are dropped instead, and said so.
import type { ChatModel } from "../llm/client.js";
import { LlmError } from "../llm/llm-error.js";
import type { ChatMessage, Usage } from "../llm/messages.js";
import { packSlices, sliceRequest, summariserInstructions, transcriptEntries } from "./compaction-prompt.js";
import { type ConversationSummary, filesTouched } from "./conversation-summary.js";
import type { EmitEvent } from "./events.js";
import { estimateTextTokens, estimateTokens, type History } from "./history.js";

export interface CompactOptions {
  /** The model that writes the summary (the session's current one). */
  model: ChatModel;
  /** Tokens one request to the model may hold (prompt and answer). */
  window: number;
  /** Tokens of the most recent conversation kept verbatim (at least the last turn's request and last step). */
  keepRecentTokens: number;
  /** "auto": the history neared the window; "manual": /compact. */
  reason: "auto" | "manual";
  /** What the summary should pay most attention to (/compact <focus>). */
  focus?: string;
  /** Aborted by Ctrl-C: the summary request stops and the history is left unchanged. */
  signal: AbortSignal;
  /** Receives compaction_start, compaction_end and notice events. */
  emit: EmitEvent;
  /** Usage of each summary request, as it comes (the session's totals). */
  onUsage?: (usage: Usage) => void;
}

export type CompactResult =
  | {
      outcome: "summarised" | "dropped" | "aborted";
      removed: number;
      tokensBefore: number;
      tokensAfter: number;
    }
  /** Nothing older than what is kept: the history is unchanged. */
  | { outcome: "nothing"; reason: string };

/** Where the history splits: the messages to summarise, and the ones to keep verbatim. */
export interface CompactionSplit {
  /** Messages that leave the verbatim history. */
  removed: ChatMessage[];
  /** Messages the summariser reads: the removed ones, and the current request when the split is inside it. */
  transcript: ChatMessage[];
  /** Messages kept verbatim, starting with a user message. */
  kept: ChatMessage[];
}

/**
 * Chooses what to summarise: whole older turns while the recent ones fit `keepRecentTokens` (the last turn is
 * always kept). When the last turn alone is too big, its request stays and its older tool steps go, cut only
 * before an assistant message so every call keeps its results.
 */
export function splitForCompaction(
  messages: readonly ChatMessage[],
  keepRecentTokens: number,
): CompactionSplit | undefined {
  const tokensFrom = suffixTokens(messages);
  const turnStarts = messages.flatMap((m, i) => (m.role === "user" ? [i] : []));
  const lastTurn = turnStarts.at(-1);
  if (lastTurn === undefined) return undefined;
  const wholeTurns = (keepFrom: number): CompactionSplit => {
    const removed = messages.slice(0, keepFrom);
    return { removed, transcript: removed, kept: messages.slice(keepFrom) };
  };
  const keepFrom = turnStarts.find((start) => (tokensFrom[start] ?? 0) <= keepRecentTokens);
  if (keepFrom === 0) return undefined; // everything fits: nothing to compact
  if (keepFrom !== undefined) return wholeTurns(keepFrom);
  // The last turn alone is too big: keep its request and its latest steps, cut before an assistant message.
  const steps = messages.flatMap((m, i) => (i > lastTurn + 1 && m.role === "assistant" ? [i] : []));
  const cutAt = steps.find((i) => (tokensFrom[i] ?? 0) <= keepRecentTokens) ?? steps.at(-1);
  if (cutAt === undefined) return lastTurn > 0 ? wholeTurns(lastTurn) : undefined;
  const request = messages[lastTurn] as ChatMessage;
  return {
    removed: [...messages.slice(0, lastTurn), ...messages.slice(lastTurn + 1, cutAt)],
    transcript: messages.slice(0, cutAt),
    kept: [request, ...messages.slice(cutAt)],
  };
}

/** Tokens of the summary the model is asked for: a tenth of the window, between 512 and 4,096. */
export function summaryTokenLimit(window: number): number {
  return Math.max(512, Math.min(4_096, Math.floor(window / 10)));
}

export async function compactHistory(history: History, options: CompactOptions): Promise<CompactResult> {
  if (history.messages.length === 0) return { outcome: "nothing", reason: "the conversation is empty" };
  const split = splitForCompaction(history.messages, options.keepRecentTokens);
  if (!split || split.removed.length === 0) {
    return { outcome: "nothing", reason: "there is nothing older than the last exchange to compact" };
  }
  const tokensBefore = history.totalTokens();
  const removed = split.removed.length;
  options.emit({ type: "compaction_start", reason: options.reason, messages: removed, tokens: tokensBefore });
  const previous = history.summary;
  let requests = 0;
  const finish = (outcome: "summarised" | "dropped" | "aborted"): CompactResult => {
    const tokensAfter = history.totalTokens();
    options.emit({ type: "compaction_end", outcome, removed, tokensBefore, tokensAfter, requests });
    return { outcome, removed: outcome === "aborted" ? 0 : removed, tokensBefore, tokensAfter };
  };

  let text: string;
  try {
    text = await summarise(split.transcript, previous?.text, options, () => requests++);
  } catch (error) {
    if (options.signal.aborted || (LlmError.isInstance(error) && error.kind === "aborted")) {
      return finish("aborted");
    }
    const reason = error instanceof Error ? error.message : String(error);
    history.compact({ outcome: "dropped", summary: previous, messages: split.kept, removed });
    options.emit({
      type: "notice",
      text:
        `Compaction failed (${reason}): the ${removed} oldest messages were dropped instead of summarised` +
        `${previous ? "; the earlier summary is kept" : ""}.`,
    });
    return finish("dropped");
  }
  const summary: ConversationSummary = {
    text,
    files: filesTouched(split.removed, previous?.files),
    messages: (previous?.messages ?? 0) + removed,
    compactions: (previous?.compactions ?? 0) + 1,
  };
  history.compact({ outcome: "summarised", summary, messages: split.kept, removed });
  return finish("summarised");
}

/** The summary of `transcript` (continuing `previous`), in as many requests as the window needs. */
async function summarise(
  transcript: readonly ChatMessage[],
  previous: string | undefined,
  options: CompactOptions,
  countRequest: () => void,
): Promise<string> {
  const limit = summaryTokenLimit(options.window);
  const instructions = summariserInstructions(Math.floor(limit * 0.6));
  // Room for one slice: the window less the answer, the instructions and the summary carried in, with a
  // tenth of margin for our estimate (~4 characters a token).
  const room = Math.floor((options.window - limit) * 0.9) - estimateTextTokens(instructions) - limit - 200;
  if (room < 300)
    throw new Error(`the context window (${options.window} tokens) is too small to summarise in`);
  const slices = packSlices(transcriptEntries(transcript, room), room);
  let summary = previous;
  for (const [i, slice] of slices.entries()) {
    countRequest();
    const response = await options.model.chat({
      messages: [
        { role: "system", content: instructions },
        {
          role: "user",
          content: sliceRequest({
            previous: summary,
            transcript: slice,
            focus: options.focus,
            slice: i + 1,
            slices: slices.length,
          }),
        },
      ],
      tools: [],
      signal: options.signal,
    });
    if (response.usage) options.onUsage?.(response.usage);
    const text = response.text.trim();
    if (!text) throw new Error("the model returned an empty summary");
    // A summary longer than asked would eat the room it frees: keep its start, say it was cut.
    summary =
      estimateTextTokens(text) > limit
        ? `${text.slice(0, limit * 4)}\n[summary cut at ${limit} tokens]`
        : text;
  }
  return summary ?? "";
}

/** tokensFrom[i]: tokens of messages[i..]. */
function suffixTokens(messages: readonly ChatMessage[]): number[] {
  const out = new Array<number>(messages.length + 1).fill(0);
  for (let i = messages.length - 1; i >= 0; i--)
    out[i] = (out[i + 1] ?? 0) + estimateTokens(messages[i] as ChatMessage);
  return out;
}
