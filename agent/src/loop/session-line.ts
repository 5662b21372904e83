// One line of a session file (session-log.ts writes them, session-replay.ts reads them back): its own module so
// the writer and the replay both depend on it and not on each other.
import type { ChatMessage, Usage } from "../llm/messages.js";
import type { ConversationSummary } from "./conversation-summary.js";

/** A header, a message, or an event of the conversation, as one JSON line. */
export type SessionLine =
  | {
      type: "session";
      format: string;
      version: 1;
      id: string;
      createdAt: string;
      workspace: string;
      provider: string;
      model: string;
    }
  | { type: "message"; at: string; message: ChatMessage; usage?: Usage }
  | { type: "clear"; at: string }
  /** The history after a compaction: the summary (null if none) and the messages kept verbatim. */
  | {
      type: "compaction";
      at: string;
      outcome: "summarised" | "dropped";
      summary: ConversationSummary | null;
      messages: ChatMessage[];
      removed: number;
    }
  /** A turn starts (before its user message). */
  | { type: "turn"; at: string; turn: number }
  /** The workspace checkpoint taken before `turn` (written when the snapshot is done). */
  | { type: "checkpoint"; at: string; turn: number; commit: string }
  /** The conversation went back to how it was before turn `toTurn` (/undo, /rewind). */
  | { type: "rewind"; at: string; toTurn: number }
  | {
      type: "skill_run";
      at: string;
      skill: string;
      args: Record<string, unknown>;
      durationMs: number;
      outcome: string;
    };
