// Turns loop events into what a person sees: streamed text, one line per tool call and its outcome, tool
// output while it runs, retries, compaction, and a status line with step, tokens, the share of the context
// window and the cost (when reported). Print mode sends activity to stderr.
import type { AgentEvent, EmitEvent } from "../loop/events.js";
import { formatCost, formatTokens, formatWindowShare } from "./format-usage.js";
import { summariseResult } from "./result-summary.js";
import type { Terminal } from "./terminal.js";

export interface RenderOptions {
  /** REPL: stream the answer to stdout. Print: only the final answer goes to stdout (by the caller). */
  mode: "repl" | "print";
}

export function createRenderer(term: Terminal, { mode }: RenderOptions): EmitEvent {
  let step = 0;
  let maxSteps = 0;
  let tokens = 0;
  let cost: number | undefined;
  let context: { tokens: number; window: number } | undefined;
  let pendingText = "";
  /** The calls of the current step, so results of parallel calls can say which call they belong to. */
  const calls = new Map<string, string>();
  /** Calls still running, for the status line. */
  const running = new Map<string, string>();
  const runningStatus = () =>
    status(running.size ? `running ${[...new Set(running.values())].join(", ")}` : "thinking");
  const status = (what: string) =>
    term.status(
      [
        what,
        maxSteps ? `step ${step}/${maxSteps}` : "", // a command's compaction runs outside any step
        `${formatTokens(tokens)} tokens`,
        context ? `context ${formatWindowShare(context.tokens, context.window)}` : "",
        cost !== undefined ? formatCost(cost) : "",
      ]
        .filter(Boolean)
        .join(" · "),
    );

  return (event: AgentEvent) => {
    switch (event.type) {
      case "step_start":
        step = event.step;
        maxSteps = event.maxSteps;
        calls.clear();
        running.clear();
        status("thinking");
        return;
      case "text_delta":
        if (mode === "repl") term.write(event.text);
        else pendingText += event.text;
        return;
      case "reasoning_delta":
        // Dimmed on stderr in both modes: apart from the answer, never on stdout.
        term.stream("reasoning", event.text);
        return;
      case "notice":
        term.note(term.style("yellow", event.text));
        return;
      case "retry":
        term.note(
          term.style("yellow", `  retrying in ${(event.delayMs / 1000).toFixed(1)} s (${event.reason})`),
        );
        return;
      case "tool_start": {
        if (pendingText.trim()) term.note(pendingText.trim());
        pendingText = "";
        const label = `${event.name}${summariseArgs(event.args)}`;
        calls.set(event.callId, label);
        running.set(event.callId, event.name);
        term.note(`${term.style("cyan", "●")} ${label}`);
        runningStatus();
        return;
      }
      case "tool_progress":
        if (term.fancy || mode === "print")
          term.note(term.style("dim", indent(event.chunk.replace(/\n$/, ""))));
        return;
      case "tool_end": {
        const summary = summariseResult(event.name, event.result.text);
        const seconds = `${(event.durationMs / 1000).toFixed(1)} s`;
        const outcome = event.result.isError
          ? term.style("red", `error: ${summary}`)
          : term.style("dim", summary);
        const which = calls.size > 1 ? `${calls.get(event.callId) ?? event.name}: ` : "";
        term.note(`  ⎿ ${which}${outcome} ${term.style("dim", `(${seconds})`)}`);
        running.delete(event.callId);
        runningStatus();
        return;
      }
      case "context":
        context = { tokens: event.tokens, window: event.window };
        runningStatus();
        return;
      case "usage":
        tokens = event.total.promptTokens + event.total.completionTokens;
        cost = event.total.cost;
        context = event.context;
        return;
      case "compaction_start":
        term.note(
          term.style(
            "dim",
            `⋯ compacting: summarising ${event.messages} older messages (${formatTokens(event.tokens)} tokens)`,
          ),
        );
        status("compacting");
        return;
      case "compaction_end":
        term.note(
          term.style(event.outcome === "summarised" ? "dim" : "yellow", `  ⎿ ${compactionOutcome(event)}`),
        );
        return;
      case "turn_end":
        term.status(undefined);
        term.endStream();
        if (event.result.message) {
          const { reason } = event.result;
          const text = event.result.message;
          if (reason === "aborted") term.note(term.style("yellow", text));
          else term.error(text);
        }
        return;
    }
  };
}

function compactionOutcome(event: Extract<AgentEvent, { type: "compaction_end" }>): string {
  const sizes = `${formatTokens(event.tokensBefore)} → ${formatTokens(event.tokensAfter)} tokens`;
  switch (event.outcome) {
    case "summarised":
      return `summarised ${event.removed} messages: ${sizes}${event.requests > 1 ? ` (${event.requests} requests)` : ""}`;
    case "dropped":
      return `dropped ${event.removed} messages instead: ${sizes}`;
    case "aborted":
      return "compaction interrupted: the conversation is unchanged";
  }
}

/** `path="src/a.ts" recursive=true`, long strings cut to a size note, so one call is one short line. */
export function summariseArgs(args: Record<string, unknown> | undefined): string {
  if (!args) return "";
  const parts = Object.entries(args).map(([key, value]) => {
    if (typeof value === "string") {
      if (value.length > 60 || value.includes("\n"))
        return `${key}=<${formatBytes(Buffer.byteLength(value))}>`;
      return `${key}=${JSON.stringify(value)}`;
    }
    const json = JSON.stringify(value) ?? "";
    return `${key}=${json.length > 60 ? `${json.slice(0, 57)}…` : json}`;
  });
  return parts.length ? ` ${parts.join(" ")}` : "";
}

function indent(text: string): string {
  return text
    .split("\n")
    .map((line) => `    ${line}`)
    .join("\n");
}

function formatBytes(n: number): string {
  return n < 1024 ? `${n} B` : `${(n / 1024).toFixed(1)} KB`;
}
