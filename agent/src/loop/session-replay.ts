// Rebuilds a conversation from its session lines: messages, /clear, compactions (the summary and the messages
// kept), turn starts (each with the conversation before it and its checkpoint) and rewinds. The live session
// applies every line it writes, and --resume applies the file's, so both reach the same state.
import type { ChatMessage } from "../llm/messages.js";
import type { ConversationSummary } from "./conversation-summary.js";
import type { SessionLine } from "./session-line.js";

/** What the model is sent from: the summary at the head and the messages after it. */
export interface ConversationState {
  /** The compaction summary at the head, if the conversation was compacted. */
  summary: ConversationSummary | undefined;
  /** The messages after it, verbatim. */
  messages: readonly ChatMessage[];
}

/** One turn (one prompt) of the session, for /undo and /rewind. */
export interface TurnStart {
  /** 1-based, in the order the turns ran; after a rewind the next turn takes the freed number. */
  turn: number;
  /** When the turn started (ISO time). */
  at: string;
  /** The user's prompt ("" until its message is seen). */
  prompt: string;
  /** The workspace snapshot taken before the turn (a commit in the shadow store), if checkpoints are on. */
  checkpoint: string | undefined;
  /** The conversation before the turn: what a rewind to it restores. */
  before: ConversationState;
}

export class SessionReplay {
  private summary: ConversationSummary | undefined;
  private messages: ChatMessage[] = [];
  private turnList: TurnStart[] = [];
  /** The turn whose prompt is the next user message. */
  private awaitingPrompt: TurnStart | undefined;

  /** The conversation now. */
  get conversation(): ConversationState {
    return { summary: this.summary, messages: this.messages };
  }

  /** The turns that can be rewound to, oldest first. */
  get turns(): readonly TurnStart[] {
    return this.turnList;
  }

  apply(line: SessionLine): void {
    switch (line.type) {
      case "session":
      case "skill_run":
        return;
      case "message":
        this.messages.push(line.message);
        if (line.message.role === "user" && this.awaitingPrompt) {
          this.awaitingPrompt.prompt = line.message.content;
          this.awaitingPrompt = undefined;
        }
        return;
      case "clear":
        this.summary = undefined;
        this.messages = [];
        return;
      case "compaction":
        this.summary = line.summary ?? undefined;
        this.messages = [...line.messages];
        return;
      case "turn": {
        const turn: TurnStart = {
          turn: line.turn,
          at: line.at,
          prompt: "",
          checkpoint: undefined, // a "checkpoint" line follows once the snapshot is taken
          before: { summary: this.summary, messages: [...this.messages] },
        };
        this.turnList = [...this.turnList.filter((t) => t.turn < line.turn), turn];
        this.awaitingPrompt = turn;
        return;
      }
      case "checkpoint": {
        const turn = this.turnList.find((t) => t.turn === line.turn);
        if (turn) turn.checkpoint = line.commit;
        return;
      }
      case "rewind": {
        const target = this.turnList.find((t) => t.turn === line.toTurn);
        if (!target) return; // a rewind line the file cannot support (edited by hand): ignore it
        this.summary = target.before.summary;
        this.messages = [...target.before.messages];
        this.turnList = this.turnList.filter((t) => t.turn < line.toTurn);
        this.awaitingPrompt = undefined;
        return;
      }
    }
  }
}
