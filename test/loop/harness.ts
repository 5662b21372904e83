// Wires an AgentLoop to the scripted LLM server and in-memory tools, the way main.ts wires the real parts.
import type { ChatMessage } from "../../agent/src/llm/messages.js";
import { AgentLoop } from "../../agent/src/loop/agent-loop.js";
import type { AgentEvent } from "../../agent/src/loop/events.js";
import { History } from "../../agent/src/loop/history.js";
import type { ToolSource, ToolSpec } from "../../agent/src/loop/tools.js";
import { ScriptedLlm, type ScriptedLlmOptions } from "../support/scripted-llm.js";
import { scriptedModel } from "../support/scripted-model.js";

export interface Harness {
  llm: ScriptedLlm;
  loop: AgentLoop;
  history: History;
  events: AgentEvent[];
  run(input: string, signal?: AbortSignal): ReturnType<AgentLoop["runTurn"]>;
  /** Message lists of every request the server saw, without the system prompt. */
  sentHistories(): ChatMessage[][];
  close(): Promise<void>;
}

export async function startHarness(
  tools: ToolSource,
  options: {
    maxSteps?: number;
    budgetTokens?: number;
    llm?: ScriptedLlmOptions;
    scrub?: (t: string) => string;
    /** The model's context window, as the server's /v1/models reports it (max_model_len). */
    window?: number;
    compactAtPercent?: number;
    /** Sections that follow each request's tools (code mode's API). */
    toolSections?: (offered: readonly ToolSpec[]) => readonly string[];
  } = {},
): Promise<Harness> {
  const llm = await ScriptedLlm.start(options.llm);
  if (options.window) llm.models["scripted-model"] = { listed: { max_model_len: options.window } };
  const history = new History({ budgetTokens: options.budgetTokens ?? 100_000 });
  const model = scriptedModel(llm.baseURL);
  const loop = new AgentLoop({
    model: () => model,
    tools,
    history,
    workspaceRoot: "/workspace",
    maxSteps: options.maxSteps ?? 30,
    scrub: options.scrub ?? ((text) => text),
    ...(options.compactAtPercent !== undefined ? { compactAtPercent: options.compactAtPercent } : {}),
    ...(options.toolSections ? { toolSections: options.toolSections } : {}),
  });
  const events: AgentEvent[] = [];
  return {
    llm,
    loop,
    history,
    events,
    run: (input, signal = new AbortController().signal) =>
      loop.runTurn(input, { signal, emit: (event) => events.push(event) }),
    sentHistories: () => llm.requests.map((r) => r.body.messages.slice(1) as ChatMessage[]),
    close: () => llm.close(),
  };
}
