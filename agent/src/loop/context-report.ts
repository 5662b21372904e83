// What the next request holds, part by part (system prompt, project instructions, skills and playbooks, tool
// schemas, compaction summary, conversation) against the model's window, for /context. Our estimate.
import { estimateTextTokens, type History } from "./history.js";
import type { ToolSpec } from "./tools.js";

export type ContextPartName = "system" | "instructions" | "skills" | "tools" | "summary" | "history";

export interface ContextPart {
  /** Which part of the request. */
  name: ContextPartName;
  /** Its tokens, by our estimate (about 4 characters a token). */
  tokens: number;
  /** How many items the part holds (tools, messages, summarised messages), when that means something. */
  count?: number;
}

export interface ContextReport {
  /** Tokens of the window requests are sized to. */
  window: number;
  /** Where the window figure came from (server or CONTEXT_WINDOW). */
  windowSource: string;
  /** Tokens kept free for the answer. */
  reservedForAnswer: number;
  /** The parts of the next request, in the order they are sent. */
  parts: ContextPart[];
  /** The sum of the parts. */
  used: number;
  /** Tokens of the prompt at which compaction starts; undefined when automatic compaction is off. */
  compactAt: number | undefined;
  /** Compactions so far in this conversation (from its summary). */
  compactions: number;
  /** The last request as counted (the server's count when reliable), if one was sent. */
  lastRequest: { tokens: number; window: number } | undefined;
}

export interface ContextInput {
  /** Tokens of the window requests are sized to. */
  window: number;
  /** Where the window figure came from. */
  windowSource: string;
  /** Tokens kept free for the answer. */
  reservedForAnswer: number;
  /** Tokens a prompt may use (the window less the answer's room and a margin). */
  promptRoom: number;
  /** The system prompt without instructions and sections. */
  baseSystem: string;
  /** The project instructions section ("" when none). */
  instructions: string;
  /** Skill and playbook sections. */
  sections: readonly string[];
  /** The tools offered, as their schemas are sent. */
  tools: readonly ToolSpec[];
  /** The conversation: its summary and messages. */
  history: History;
  /** COMPACT_AT_PERCENT (0: off). */
  compactAtPercent: number;
  /** The last request as counted, if one was sent. */
  lastRequest: { tokens: number; window: number } | undefined;
}

export function describeContext(input: ContextInput): ContextReport {
  const { history } = input;
  const historyTokens = history.totalTokens() - history.summaryTokens();
  const parts: ContextPart[] = [
    { name: "system", tokens: estimateTextTokens(input.baseSystem) },
    { name: "instructions", tokens: estimateTextTokens(input.instructions) },
    { name: "skills", tokens: estimateTextTokens(input.sections.join("\n\n")) },
    { name: "tools", tokens: estimateTextTokens(JSON.stringify(input.tools)), count: input.tools.length },
    { name: "summary", tokens: history.summaryTokens(), count: history.summary?.messages ?? 0 },
    { name: "history", tokens: historyTokens, count: history.messages.length },
  ];
  // HISTORY_BUDGET_TOKENS caps the history below the window; compaction comes before that cap.
  const fixed = parts
    .filter((p) => p.name !== "summary" && p.name !== "history")
    .reduce((n, p) => n + p.tokens, 0);
  const limit = Math.min(input.promptRoom, fixed + (history.cap ?? Number.POSITIVE_INFINITY));
  return {
    window: input.window,
    windowSource: input.windowSource,
    reservedForAnswer: input.reservedForAnswer,
    parts,
    used: parts.reduce((sum, part) => sum + part.tokens, 0),
    compactAt: input.compactAtPercent > 0 ? Math.floor((limit * input.compactAtPercent) / 100) : undefined,
    compactions: history.summary?.compactions ?? 0,
    lastRequest: input.lastRequest,
  };
}
