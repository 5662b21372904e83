// Sessions on disk: one JSONL file per session under the sessions dir, a header line then one line per
// message (with usage where known), compaction, turn start and rewind. Appends are synchronous so a crash
// loses nothing; every line is scrubbed. The same lines, replayed, give the conversation back (--resume).

import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, openSync, readdirSync, readFileSync, statSync, writeSync } from "node:fs";
import { join } from "node:path";
import { namedError } from "@ts-coding-agent/mcp-kit/named-error";
import type { ChatMessage, Usage } from "../llm/messages.js";
import type { ConversationSummary } from "./conversation-summary.js";
import type { SessionLine } from "./session-line.js";
import { type ConversationState, SessionReplay, type TurnStart } from "./session-replay.js";

export const SESSION_FORMAT = "ts-coding-agent/session";

export class SessionNotFoundError extends namedError("SessionNotFoundError") {}

export interface SessionHeader {
  workspace: string;
  provider: string;
  model: string;
}

export class SessionLog {
  /** Opened once for appending: a write per message, not an open, write and close (bench/README.md). */
  private readonly fd: number;

  private constructor(
    readonly id: string,
    readonly path: string,
    private readonly scrub: (text: string) => string,
    /** The conversation the lines written so far give (turns, the current state). */
    private readonly replay = new SessionReplay(),
  ) {
    this.fd = openSync(path, "a", 0o600);
  }

  /** The conversation as the lines so far give it. */
  get conversation(): ConversationState {
    return this.replay.conversation;
  }

  /** The turns of this session that /undo and /rewind can go back to, oldest first. */
  get turns(): readonly TurnStart[] {
    return this.replay.turns;
  }

  /** A fresh session id: its start time and a random suffix. */
  static newId(now: Date = new Date()): string {
    return `${now.toISOString().replace(/[:.]/g, "-").replace("Z", "")}-${randomBytes(3).toString("hex")}`;
  }

  static create(
    dir: string,
    header: SessionHeader,
    scrub: (text: string) => string,
    id: string = SessionLog.newId(),
  ): SessionLog {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const now = new Date();
    const log = new SessionLog(id, join(dir, `${id}.jsonl`), scrub);
    log.write({
      type: "session",
      format: SESSION_FORMAT,
      version: 1,
      id,
      createdAt: now.toISOString(),
      ...header,
    });
    return log;
  }

  /**
   * Reopens a session (`latest` or an id) to append to it, returning its conversation as its lines give it:
   * the messages after the last /clear, from the last compaction's summary on, rewinds applied.
   * Throws SessionNotFoundError listing the newest sessions when there is no such session.
   */
  static resume(
    dir: string,
    which: string,
    scrub: (text: string) => string,
  ): { log: SessionLog; messages: ChatMessage[]; summary: ConversationSummary | undefined } {
    const ids = listSessions(dir);
    const id =
      which === "latest"
        ? ids[0]
        : ids.find((candidate) => candidate === which || candidate.startsWith(which));
    if (!id) {
      const known = ids.slice(0, 5).join(", ");
      throw new SessionNotFoundError(
        which === "latest"
          ? `No session to resume in ${dir}; start one without --resume.`
          : `No session "${which}" in ${dir}.${known ? ` Newest: ${known}.` : ""} Use --resume alone for the latest.`,
      );
    }
    const path = join(dir, `${id}.jsonl`);
    const replay = new SessionReplay();
    for (const line of readFileSync(path, "utf8").split("\n")) {
      if (!line.trim()) continue;
      let parsed: SessionLine;
      try {
        parsed = JSON.parse(line) as SessionLine;
      } catch {
        continue; // a torn last line from a crash: everything before it is intact
      }
      replay.apply(parsed);
    }
    const { messages, summary } = replay.conversation;
    return { log: new SessionLog(id, path, scrub, replay), messages: [...messages], summary };
  }

  append(message: ChatMessage, usage?: Usage): void {
    this.write({ type: "message", at: new Date().toISOString(), message, ...(usage ? { usage } : {}) });
  }

  clear(): void {
    this.write({ type: "clear", at: new Date().toISOString() });
  }

  compaction(compaction: {
    outcome: "summarised" | "dropped";
    summary: ConversationSummary | undefined;
    messages: ChatMessage[];
    removed: number;
  }): void {
    this.write({
      type: "compaction",
      at: new Date().toISOString(),
      outcome: compaction.outcome,
      summary: compaction.summary ?? null,
      messages: compaction.messages,
      removed: compaction.removed,
    });
  }

  /** Records the start of turn `turn` (before its user message). */
  turn(turn: number): void {
    this.write({ type: "turn", at: new Date().toISOString(), turn });
  }

  /** Records the workspace checkpoint taken before `turn`. */
  checkpoint(turn: number, commit: string): void {
    this.write({ type: "checkpoint", at: new Date().toISOString(), turn, commit });
  }

  /** Records that the conversation went back to before turn `toTurn`; returns the state it went back to. */
  rewind(toTurn: number): ConversationState {
    this.write({ type: "rewind", at: new Date().toISOString(), toTurn });
    return this.replay.conversation;
  }

  skillRun(skill: string, args: Record<string, unknown>, durationMs: number, outcome: string): void {
    this.write({ type: "skill_run", at: new Date().toISOString(), skill, args, durationMs, outcome });
  }

  /** Synchronous: a crash right after a message is appended loses nothing the OS has been handed. */
  private write(line: SessionLine): void {
    writeSync(this.fd, `${this.scrub(JSON.stringify(line))}\n`);
    this.replay.apply(line);
  }
}

/** Session ids, newest first. */
export function listSessions(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((name) => name.endsWith(".jsonl"))
    .map((name) => ({ id: name.slice(0, -".jsonl".length), mtime: statSync(join(dir, name)).mtimeMs }))
    .sort((a, b) => b.mtime - a.mtime || (a.id < b.id ? 1 : -1))
    .map((entry) => entry.id);
}
