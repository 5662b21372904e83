// What the loop tells its front ends while a turn runs. Front ends render these; the loop never prints.
// `turn_end` is always the last event of a turn and says why it ended.
import type { Usage } from "../llm/messages.js";
import type { ToolResult } from "./tools.js";

export type StopReason =
  /** The model answered without calling a tool. */
  | "done"
  /** The step cap was reached. */
  | "max_steps"
  /** The model kept repeating a call after being told. */
  | "repeated_calls"
  /** The user interrupted (Ctrl-C). */
  | "aborted"
  /** The LLM could not be reached or refused, after retries. */
  | "llm_error"
  /** The tools could not be listed: the sandbox could not be started or was lost. */
  | "sandbox_error";

export type AgentEvent =
  | { type: "step_start"; step: number; maxSteps: number }
  | { type: "text_delta"; text: string }
  /** The model's reasoning, shown apart (dimmed) and never part of the answer. */
  | { type: "reasoning_delta"; text: string }
  /** Something the user should know that is not an error: the server cut the prompt, the answer was cut. */
  | { type: "notice"; text: string }
  | { type: "retry"; retry: number; delayMs: number; reason: string }
  | { type: "tool_start"; callId: string; name: string; args: Record<string, unknown> | undefined }
  | { type: "tool_progress"; callId: string; name: string; chunk: string }
  | { type: "tool_end"; callId: string; name: string; result: ToolResult; durationMs: number }
  /** What the request being sent holds (our estimate) against the model's context window. */
  | { type: "context"; tokens: number; window: number }
  /** Tokens (and cost, when the provider reports one) of a request and of the session; `context` as counted. */
  | { type: "usage"; step: Usage; total: Usage; context: { tokens: number; window: number } }
  /** Older messages are being summarised (`auto`: the history neared the window; `manual`: /compact). */
  | { type: "compaction_start"; reason: "auto" | "manual"; messages: number; tokens: number }
  | {
      type: "compaction_end";
      /** summarised: a summary replaced them; dropped: the summary failed and they were dropped; aborted: unchanged. */
      outcome: "summarised" | "dropped" | "aborted";
      /** Messages removed from the verbatim history. */
      removed: number;
      /** Tokens of the history (summary included) before and after. */
      tokensBefore: number;
      tokensAfter: number;
      /** Summary requests made (more than one when the older messages did not fit one request). */
      requests: number;
    }
  | { type: "turn_end"; result: TurnResult };

export interface TurnResult {
  reason: StopReason;
  /** The model's final answer (reason `done`), else the text of its last reply, possibly empty. */
  text: string;
  /** One line for the user when the turn did not end normally. */
  message?: string;
  /** LLM requests made in this turn. */
  steps: number;
}

export type EmitEvent = (event: AgentEvent) => void;
