// The summary compaction keeps at the head of the history: the model's structured account of older turns
// plus the files they read and changed (taken from the tool calls, not from the model's memory).
import type { ChatMessage } from "../llm/messages.js";

export interface ConversationSummary {
  /** The model's summary: Markdown under the headings Goal, Decisions, Progress, Open problems. */
  text: string;
  /** Workspace paths the summarised turns read or changed, from their tool calls. */
  files: { read: string[]; changed: string[] };
  /** Messages folded into this summary, over every compaction so far. */
  messages: number;
  /** How many compactions built it. */
  compactions: number;
}

/** Tools whose `path` argument names a file they change, or only read. */
const CHANGING_TOOLS = new Set(["write_file", "edit_file"]);
const READING_TOOLS = new Set(["read_file"]);
/** Most paths listed per kind: a summary must stay small. */
const MAX_LISTED = 40;

/**
 * The summary as the model sees it: a user message (what happened before) and a short assistant reply, so the
 * verbatim turns after it still alternate user/assistant on servers whose chat templates require it (Aider
 * sends its summary the same way).
 */
export function summaryMessages(summary: ConversationSummary | undefined): ChatMessage[] {
  if (!summary) return [];
  return [
    { role: "user", content: summaryText(summary) },
    { role: "assistant", content: "Understood. I will continue from this summary." },
  ];
}

/** The summary's text with the files section, as sent. */
export function summaryText(summary: ConversationSummary): string {
  const files = [
    summary.files.changed.length ? `Changed: ${listed(summary.files.changed)}` : "",
    summary.files.read.length ? `Read: ${listed(summary.files.read)}` : "",
  ].filter(Boolean);
  return [
    `Summary of our conversation so far (${summary.messages} earlier messages were compacted into it; ` +
      "files may have changed since: re-read before editing):",
    summary.text.trim(),
    `## Files touched\n${files.length ? files.join("\n") : "(none recorded)"}`,
  ].join("\n\n");
}

function listed(paths: readonly string[]): string {
  const shown = paths.slice(0, MAX_LISTED).join(", ");
  return paths.length > MAX_LISTED ? `${shown} and ${paths.length - MAX_LISTED} more` : shown;
}

/** The files the messages' tool calls read or changed, merged into `previous` (order of first mention). */
export function filesTouched(
  messages: readonly ChatMessage[],
  previous: ConversationSummary["files"] = { read: [], changed: [] },
): ConversationSummary["files"] {
  const changed = new Set(previous.changed);
  const read = new Set(previous.read);
  for (const message of messages) {
    if (message.role !== "assistant") continue;
    for (const call of message.tool_calls ?? []) {
      const path = pathArgument(call.function.arguments);
      if (!path) continue;
      if (CHANGING_TOOLS.has(call.function.name)) changed.add(path);
      else if (READING_TOOLS.has(call.function.name)) read.add(path);
    }
  }
  return { changed: [...changed], read: [...read].filter((path) => !changed.has(path)) };
}

function pathArgument(json: string): string | undefined {
  try {
    const value = JSON.parse(json) as { path?: unknown };
    return typeof value.path === "string" && value.path.trim() ? value.path.trim() : undefined;
  } catch {
    return undefined;
  }
}
