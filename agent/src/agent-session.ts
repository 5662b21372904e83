// One conversation: the loop, its history, the session log and the provider in use. The REPL and print mode
// both drive it and only add I/O, so they cannot drift apart.

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
import type { ToolSource } from "./loop/tools.js";

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
  restoredSummary?: ConversationSummary | undefined;
  promptSections?: (input: string) => readonly string[];
  /** The project instructions (AGENTS.md files) for the system prompt. */
  instructions?: ProjectInstructions;
  /** COMPACT_AT_PERCENT: automatic compaction threshold; 0 turns it off. */
  compactAtPercent?: number;
}

export class AgentSession {
  readonly history: History;
  private readonly loop: AgentLoop;
  private lastUsage: Usage | undefined;

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
    this.loop = new AgentLoop({
      model: () => options.providers.current(),
      tools: options.tools,
      history: this.history,
      workspaceRoot: options.workspaceRoot,
      maxSteps: options.maxSteps,
      scrub: options.scrub,
      onUsage: (usage) => {
        this.lastUsage = usage;
      },
      ...(options.promptSections ? { promptSections: options.promptSections } : {}),
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

  prompt(text: string, signal: AbortSignal, emit?: EmitEvent): Promise<TurnResult> {
    this.options.sessionLog.turn(this.turns.length + 1, undefined);
    return this.loop.runTurn(text, { signal, ...(emit ? { emit } : {}) });
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
