// One conversation: the loop, its history, the session log and the provider in use. The REPL and print mode
// both drive it and only add I/O, so they cannot drift apart.

import type { ChatMessage, Usage } from "./llm/messages.js";
import type { ProviderSession } from "./llm/session.js";
import { AgentLoop } from "./loop/agent-loop.js";
import type { EmitEvent, TurnResult } from "./loop/events.js";
import { History } from "./loop/history.js";
import type { SessionLog } from "./loop/session-log.js";
import type { ToolSource } from "./loop/tools.js";

export interface AgentSessionOptions {
  providers: ProviderSession;
  tools: ToolSource;
  workspaceRoot: string;
  maxSteps: number;
  historyBudgetTokens?: number | undefined;
  sessionLog: SessionLog;
  scrub: (text: string) => string;
  /** Messages of a resumed session. */
  restored?: ChatMessage[];
  promptSections?: (input: string) => readonly string[];
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
    });
    if (options.restored) this.history.restore(options.restored);
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

  /** Tokens used so far in this process. */
  get usage(): Usage {
    return this.loop.usage;
  }

  prompt(text: string, signal: AbortSignal, emit?: EmitEvent): Promise<TurnResult> {
    return this.loop.runTurn(text, { signal, ...(emit ? { emit } : {}) });
  }

  clear(): void {
    this.history.clear();
    this.options.sessionLog.clear();
  }
}
