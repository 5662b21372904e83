// One conversation: the loop, its history, the session log and the provider in use. The REPL and print mode
// both drive it and only add I/O, so they cannot drift apart.

import type { CheckpointStore, FileChanges } from "./checkpoints/checkpoint-store.js";
import type { ProjectInstructions } from "./instructions/project-instructions.js";
import type { ChatMessage, Usage } from "./llm/messages.js";
import type { ProviderSession } from "./llm/session.js";
import { AgentLoop } from "./loop/agent-loop.js";
import type { CompactResult } from "./loop/compaction.js";
import type { ContextReport } from "./loop/context-report.js";
import type { ConversationSummary } from "./loop/conversation-summary.js";
import type { EmitEvent, TurnResult } from "./loop/events.js";
import { History } from "./loop/history.js";
import type { SessionLog } from "./loop/session-log.js";
import type { TurnStart } from "./loop/session-replay.js";
import type { ToolSource, ToolSpec } from "./loop/tools.js";

export interface AgentSessionOptions {
  providers: ProviderSession;
  tools: ToolSource;
  workspaceRoot: string;
  maxSteps: number;
  historyBudgetTokens?: number | undefined;
  sessionLog: SessionLog;
  scrub: (text: string) => string;
  /** Messages of a resumed session, and the summary at their head. */
  restored?: ChatMessage[];
  /** The compaction summary at the head of a resumed session's messages. */
  restoredSummary?: ConversationSummary | undefined;
  promptSections?: (input: string) => readonly string[];
  /** Sections that follow each request's tools (code mode's API). */
  toolSections?: (offered: readonly ToolSpec[]) => readonly string[];
  /** The project instructions (AGENTS.md files) for the system prompt. */
  instructions?: ProjectInstructions;
  /** COMPACT_AT_PERCENT: automatic compaction threshold; 0 turns it off. */
  compactAtPercent?: number;
  /** Workspace checkpoints before every turn (absent: CHECKPOINTS=false). */
  checkpoints?: CheckpointStore;
}

/** What going back to before a turn would do, shown before it is done. */
export interface RewindPlan {
  /** The turn to go back to before. */
  target: TurnStart;
  /** Turns removed from the conversation (the target and every later one). */
  turnsRemoved: number;
  /** Messages in the conversation now. */
  messagesNow: number;
  /** Messages in the conversation after the rewind. */
  messagesAfter: number;
  /** The files the restore would change, or why files are not restored. */
  files:
    | { kind: "restore"; changes: FileChanges; notTracked: string }
    | { kind: "unavailable"; reason: string };
}

export class AgentSession {
  readonly history: History;
  private readonly loop: AgentLoop;
  private lastUsage: Usage | undefined;
  /** Checkpoints were found off (and the user told) in this process. */
  private checkpointsOffTold = false;
  /** Starts (once) the snapshot of the running turn; tool calls wait for it, so it shows the files before the turn. */
  private startCheckpoint: () => Promise<void> = () => Promise.resolve();

  constructor(private readonly options: AgentSessionOptions) {
    this.history = new History({
      budgetTokens: options.historyBudgetTokens,
      // The usage of a step belongs to the assistant message that step produced.
      onAppend: (message) => {
        const usage = message.role === "assistant" ? this.lastUsage : undefined;
        this.lastUsage = undefined;
        options.sessionLog.append(message, usage);
      },
      onCompact: (compaction) => options.sessionLog.compaction(compaction),
    });
    if (options.restored) this.history.restore(options.restored, options.restoredSummary);
    // Tools run only once the turn's checkpoint is taken; the snapshot overlaps the model's first request.
    const tools: ToolSource = {
      listTools: (signal) => options.tools.listTools(signal),
      callTool: async (name, args, callOptions) => {
        await this.startCheckpoint();
        return options.tools.callTool(name, args, callOptions);
      },
    };
    this.loop = new AgentLoop({
      model: () => options.providers.current(),
      tools,
      history: this.history,
      workspaceRoot: options.workspaceRoot,
      maxSteps: options.maxSteps,
      scrub: options.scrub,
      onUsage: (usage) => {
        this.lastUsage = usage;
      },
      ...(options.promptSections ? { promptSections: options.promptSections } : {}),
      ...(options.toolSections ? { toolSections: options.toolSections } : {}),
      ...(options.instructions ? { instructions: () => options.instructions?.current.section ?? "" } : {}),
      ...(options.compactAtPercent !== undefined ? { compactAtPercent: options.compactAtPercent } : {}),
    });
  }

  get providers(): ProviderSession {
    return this.options.providers;
  }

  get tools(): ToolSource {
    return this.options.tools;
  }

  get sessionId(): string {
    return this.options.sessionLog.id;
  }

  get sessionLog(): SessionLog {
    return this.options.sessionLog;
  }

  get workspaceRoot(): string {
    return this.options.workspaceRoot;
  }

  /** The project instructions in the system prompt (absent when none are configured). */
  get instructions(): ProjectInstructions | undefined {
    return this.options.instructions;
  }

  /** The workspace checkpoints (absent with CHECKPOINTS=false). */
  get checkpoints(): CheckpointStore | undefined {
    return this.options.checkpoints;
  }

  /** Counts a request made for the session outside a turn (/init's draft) in its tokens and cost. */
  recordUsage(usage: Usage): void {
    this.loop.recordUsage(usage);
  }

  /** Tokens used so far in this process. */
  get usage(): Usage {
    return this.loop.usage;
  }

  /** The last request's tokens against its window (undefined before the first request). */
  get context(): { tokens: number; window: number } | undefined {
    return this.loop.context;
  }

  /** The turns of this conversation, oldest first (for /undo and /rewind). */
  get turns(): readonly TurnStart[] {
    return this.options.sessionLog.turns;
  }

  async prompt(text: string, signal: AbortSignal, emit?: EmitEvent): Promise<TurnResult> {
    const turn = this.turns.length + 1;
    this.options.sessionLog.turn(turn);
    // The snapshot starts as the first request goes out (start-up work is done by then) and runs while the
    // model answers; a tool call that comes back sooner waits for it.
    let started: Promise<void> | undefined;
    const start = () => {
      started ??= this.checkpoint(turn, emit);
      return started;
    };
    this.startCheckpoint = start;
    const forward: EmitEvent = (event) => {
      if (event.type === "context") void start();
      emit?.(event);
    };
    try {
      return await this.loop.runTurn(text, { signal, emit: forward });
    } finally {
      await start(); // recorded before the turn is over, so /undo right after it finds it
    }
  }

  /** What rewinding to before `turn` would do to the conversation and the files (nothing is changed yet). */
  async planRewind(turn: number): Promise<RewindPlan> {
    const target = this.turns.find((t) => t.turn === turn);
    if (!target) throw new RangeError(`no turn ${turn}`);
    const store = this.options.checkpoints;
    let files: RewindPlan["files"];
    if (!store) files = { kind: "unavailable", reason: "checkpoints are off (CHECKPOINTS=false)" };
    else if (!target.checkpoint)
      files = { kind: "unavailable", reason: "no checkpoint was taken before that turn" };
    else {
      try {
        files = {
          kind: "restore",
          changes: await store.changesSince(target.checkpoint),
          notTracked: store.notTracked(),
        };
      } catch (error) {
        files = { kind: "unavailable", reason: error instanceof Error ? error.message : String(error) };
      }
    }
    return {
      target,
      turnsRemoved: this.turns.filter((t) => t.turn >= turn).length,
      messagesNow: this.history.messages.length,
      messagesAfter: target.before.messages.length,
      files,
    };
  }

  /**
   * Goes back to before `turn`: the workspace files as its checkpoint has them (when there is one), then the
   * conversation as it was. Returns what the file restore changed and the commit keeping the replaced files.
   */
  async rewind(turn: number): Promise<{ changes: FileChanges; replaced: string } | undefined> {
    const target = this.turns.find((t) => t.turn === turn);
    if (!target) throw new RangeError(`no turn ${turn}`);
    const store = this.options.checkpoints;
    const restored = store && target.checkpoint ? await store.restore(target.checkpoint) : undefined;
    this.rewindConversation(turn);
    return restored;
  }

  /** Snapshots the workspace before a turn and records it; says once when checkpoints are (or went) off. */
  private async checkpoint(turn: number, emit: EmitEvent | undefined): Promise<void> {
    const store = this.options.checkpoints;
    if (!store) return;
    const commit = await store.snapshot(`before turn ${turn}`);
    if (commit) this.options.sessionLog.checkpoint(turn, commit);
    const state = store.state;
    if (!state.on && !this.checkpointsOffTold) {
      this.checkpointsOffTold = true;
      emit?.({
        type: "notice",
        text: `Checkpoints are off for this session: ${state.reason}. /undo and /rewind will rewind the conversation only.`,
      });
    }
  }

  /** Summarises the older turns now (/compact [focus]); the session file records the result. */
  compact(focus: string, signal: AbortSignal, emit?: EmitEvent): Promise<CompactResult> {
    return this.loop.compact({ ...(focus ? { focus } : {}), signal, ...(emit ? { emit } : {}) });
  }

  /** What the next request would hold, part by part (/context). */
  describeContext(signal: AbortSignal): Promise<ContextReport> {
    return this.loop.describeContext(signal);
  }

  /** Puts the conversation back to how it was before `turn` (the session file records it). */
  rewindConversation(turn: number): void {
    const state = this.options.sessionLog.rewind(turn);
    this.history.restore([...state.messages], state.summary);
  }

  clear(): void {
    this.history.clear();
    this.options.sessionLog.clear();
  }
}
