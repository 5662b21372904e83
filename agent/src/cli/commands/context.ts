// /context: what the next request would hold, part by part (system prompt, project instructions, skills,
// tool schemas, compaction summary, conversation), against the model's window; the session's tokens and cost.
import { describeInstructionFiles } from "../../instructions/project-instructions.js";
import type { ContextPart } from "../../loop/context-report.js";
import { formatCost, formatTokens, percentOf } from "../format-usage.js";
import type { SlashCommand } from "./command.js";

const LABELS: Record<ContextPart["name"], string> = {
  system: "system prompt",
  instructions: "project instructions",
  skills: "skills and playbooks",
  tools: "tool schemas",
  summary: "compaction summary",
  history: "conversation",
};

export const contextCommand: SlashCommand = {
  name: "context",
  usage: "/context",
  summary: "what the context holds, part by part, against the model's window; tokens and cost so far",
  async run(_args, { session, term, signal }) {
    const report = await session.describeContext(signal);
    const { window } = report;
    const row = (label: string, tokens: number, note = "") =>
      `  ${label.padEnd(24)} ${formatTokens(tokens).padStart(7)} ${`${percentOf(tokens, window)}%`.padStart(5)}` +
      (note ? `  ${term.style("dim", note)}` : "");
    term.line(
      `Context: about ${formatTokens(report.used)} of ${formatTokens(window)} tokens ` +
        `(${percentOf(report.used, window)}%) · window: ${report.windowSource}`,
    );
    const instructionFiles = session.instructions
      ? describeInstructionFiles(session.instructions.current)
      : [];
    for (const part of report.parts) {
      const note = part.name === "instructions" && instructionFiles.length ? instructionFiles.join(", ") : "";
      term.line(row(LABELS[part.name], part.tokens, note || partNote(part)));
    }
    const free = Math.max(0, window - report.used - report.reservedForAnswer);
    term.line(row("kept for the answer", report.reservedForAnswer));
    term.line(row("free", free));
    term.line(
      term.style(
        "dim",
        report.compactAt === undefined
          ? "Automatic compaction is off (COMPACT_AT_PERCENT=0): older turns are dropped to fit."
          : `Compaction starts at about ${formatTokens(report.compactAt)} tokens ` +
              `(${percentOf(report.compactAt, window)}% of the window); /compact [focus] compacts now.`,
      ),
    );
    if (report.lastRequest) {
      term.line(
        term.style(
          "dim",
          `The last request held ${formatTokens(report.lastRequest.tokens)} tokens ` +
            `(${percentOf(report.lastRequest.tokens, report.lastRequest.window)}% of the window).`,
        ),
      );
    }
    const usage = session.usage;
    const cost =
      usage.cost === undefined
        ? "cost not reported by the provider"
        : `cost ${formatCost(usage.cost)} (as reported)`;
    term.line(
      `Session: ${formatTokens(usage.promptTokens)} prompt + ${formatTokens(usage.completionTokens)} ` +
        `completion tokens · ${cost}`,
    );
  },
};

function partNote(part: ContextPart): string {
  switch (part.name) {
    case "tools":
      return `${part.count ?? 0} tools`;
    case "summary":
      return part.tokens ? `${part.count ?? 0} earlier messages` : "none yet";
    case "history":
      return `${part.count ?? 0} messages`;
    default:
      return part.tokens ? "" : "none";
  }
}
