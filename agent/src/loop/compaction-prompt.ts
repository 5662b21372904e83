// What the summariser is sent: its instructions, and the older messages as a plain transcript in slices that
// each fit the model's window (long tool output and file contents cut to their head and tail).
import type { ChatMessage } from "../llm/messages.js";
import { estimateTextTokens } from "./history.js";

/** Characters of one tool result kept in the transcript: the summary needs what happened, not whole files. */
const TOOL_RESULT_CHARS = 2_000;
/** Characters of one call's arguments (a write_file's content) kept in the transcript. */
const ARGUMENT_CHARS = 800;
/** Characters of one user or assistant text kept in the transcript. */
const TEXT_CHARS = 8_000;

export function summariserInstructions(maxWords: number): string {
  return [
    "You summarise the conversation of a coding agent with its user, so that the agent can continue the work " +
      "with only your summary and the latest messages. Write Markdown with exactly these sections:",
    "## Goal\nWhat the user wants, with every constraint and preference they stated.",
    "## Decisions\nChoices made and why: approaches, names, APIs, what was tried and ruled out.",
    "## Progress\nWhat was done: files created or changed (paths), functions, commands run and their results " +
      "(tests passing or failing).",
    "## Open problems\nErrors not yet fixed, questions waiting for the user, the next steps.",
    `Be specific and brief: keep exact paths, names, error messages and numbers; leave out file contents and ` +
      `small talk. At most ${maxWords} words. Answer with the summary only; do not call tools.`,
  ].join("\n\n");
}

/** The request for one slice: the summary so far (if any), the slice, and what to focus on. */
export function sliceRequest(input: {
  previous: string | undefined;
  transcript: string;
  focus: string | undefined;
  slice: number;
  slices: number;
}): string {
  const parts: string[] = [];
  if (input.previous) parts.push(`<summary-so-far>\n${input.previous.trim()}\n</summary-so-far>`);
  const label = input.slices > 1 ? ` part="${input.slice} of ${input.slices}"` : "";
  parts.push(`<conversation${label}>\n${input.transcript}\n</conversation>`);
  if (input.focus) parts.push(`The user asks you to focus on: ${input.focus}`);
  parts.push(
    input.previous
      ? "Write the updated summary: everything that still matters from the summary so far and from this part."
      : "Write the summary.",
  );
  return parts.join("\n\n");
}

/** One message as transcript text (long parts cut to head and tail, saying how much was cut). */
export function transcriptEntry(message: ChatMessage, toolNames: ReadonlyMap<string, string>): string {
  switch (message.role) {
    case "system":
      return `[system]\n${cut(message.content, TEXT_CHARS)}`;
    case "user":
      return `[user]\n${cut(message.content, TEXT_CHARS)}`;
    case "assistant": {
      const lines = message.content ? [`[assistant]\n${cut(message.content, TEXT_CHARS)}`] : [];
      for (const call of message.tool_calls ?? [])
        lines.push(`[assistant calls ${call.function.name}] ${cut(call.function.arguments, ARGUMENT_CHARS)}`);
      return lines.join("\n") || "[assistant] (no text)";
    }
    case "tool":
      return `[result of ${toolNames.get(message.tool_call_id) ?? "a tool"}]\n${cut(message.content, TOOL_RESULT_CHARS)}`;
  }
}

/** The transcript entries of `messages`, each at most `maxTokens` (cut further when it alone is too big). */
export function transcriptEntries(messages: readonly ChatMessage[], maxTokens: number): string[] {
  const toolNames = new Map<string, string>();
  for (const message of messages) {
    if (message.role === "assistant")
      for (const call of message.tool_calls ?? []) toolNames.set(call.id, call.function.name);
  }
  return messages.map((message) => {
    const entry = transcriptEntry(message, toolNames);
    return estimateTextTokens(entry) > maxTokens ? cut(entry, maxTokens * 4) : entry;
  });
}

/** Packs entries in order into slices of at most `maxTokens` each (an entry is never split). */
export function packSlices(entries: readonly string[], maxTokens: number): string[] {
  const slices: string[] = [];
  let current: string[] = [];
  let tokens = 0;
  for (const entry of entries) {
    const size = estimateTextTokens(entry) + 1;
    if (current.length > 0 && tokens + size > maxTokens) {
      slices.push(current.join("\n\n"));
      current = [];
      tokens = 0;
    }
    current.push(entry);
    tokens += size;
  }
  if (current.length > 0) slices.push(current.join("\n\n"));
  return slices;
}

/** `text` cut to about `max` characters: its head and tail, and how much was left out. */
export function cut(text: string, max: number): string {
  if (text.length <= max) return text;
  const head = Math.floor(max * 0.6);
  const tail = Math.max(0, max - head - 40);
  return `${text.slice(0, head)}\n[… ${text.length - head - tail} characters cut …]\n${text.slice(text.length - tail)}`;
}
