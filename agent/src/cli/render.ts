// Turns loop events into what a person sees: streamed text, one line per tool call and its outcome, tool
// output while it runs, retries, and a status line with step and tokens. Print mode sends activity to stderr.
import type { AgentEvent, EmitEvent } from "../loop/events.js";
import type { Terminal } from "./terminal.js";

export interface RenderOptions {
  /** REPL: stream the answer to stdout. Print: only the final answer goes to stdout (by the caller). */
  mode: "repl" | "print";
}

export function createRenderer(term: Terminal, { mode }: RenderOptions): EmitEvent {
  let step = 0;
  let maxSteps = 0;
  let tokens = 0;
  let pendingText = "";
  const status = (what: string) =>
    term.status(`${what} · step ${step}/${maxSteps} · ${formatTokens(tokens)} tokens`);

  return (event: AgentEvent) => {
    switch (event.type) {
      case "step_start":
        step = event.step;
        maxSteps = event.maxSteps;
        status("thinking");
        return;
      case "text_delta":
        if (mode === "repl") term.write(event.text);
        else pendingText += event.text;
        return;
      case "retry":
        term.note(
          term.style("yellow", `  retrying in ${(event.delayMs / 1000).toFixed(1)} s (${event.reason})`),
        );
        return;
      case "tool_start":
        if (pendingText.trim()) term.note(pendingText.trim());
        pendingText = "";
        term.endLine();
        term.note(`${term.style("cyan", "●")} ${event.name}${summariseArgs(event.args)}`);
        status(`running ${event.name}`);
        return;
      case "tool_progress":
        if (term.fancy || mode === "print")
          term.note(term.style("dim", indent(event.chunk.replace(/\n$/, ""))));
        return;
      case "tool_end": {
        const first = firstLine(event.result.text);
        const seconds = `${(event.durationMs / 1000).toFixed(1)} s`;
        const outcome = event.result.isError
          ? term.style("red", `error: ${first}`)
          : term.style("dim", first);
        term.note(`  ⎿ ${outcome} ${term.style("dim", `(${seconds})`)}`);
        status("thinking");
        return;
      }
      case "usage":
        tokens = event.total.promptTokens + event.total.completionTokens;
        return;
      case "turn_end":
        term.status(undefined);
        if (mode === "repl") term.endLine();
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

function firstLine(text: string): string {
  const line = text.trim().split("\n", 1)[0] ?? "";
  return line.length > 120 ? `${line.slice(0, 117)}…` : line || "(no output)";
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

export function formatTokens(n: number): string {
  return n < 1000 ? String(n) : `${(n / 1000).toFixed(1)}k`;
}
