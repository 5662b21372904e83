// /skill list, /skill help <name>, /skill <name> [args]: the skills on disk now (hot-loaded), their specs,
// and running an approved one with key:value arguments; Ctrl-C interrupts a running skill.
import { usageLine } from "../../skills/args.js";
import { notRunnable, type SkillEntry } from "../../skills/registry.js";
import { SkillArgsError, SkillUnavailableError } from "../../skills/skill-errors.js";
import type { SkillServices } from "../../skills/skill-services.js";
import { createApproveCommand } from "./approve.js";
import type { CommandContext, SlashCommand } from "./command.js";
import { createPlaybooksCommand } from "./playbooks.js";

export function createSkillCommand(services: SkillServices): SlashCommand {
  return {
    name: "skill",
    usage: "/skill list | help <name> | <name> [args]",
    summary: "list, describe or run skills",
    async run(args, context) {
      const [first = "", ...rest] = args.split(/\s+/);
      if (first === "" || first === "list") return list(services, context);
      if (first === "help") return help(services, context, rest.join(" ").trim());
      return runSkill(services, context, first, args.slice(first.length).trim());
    },
  };
}

async function list(services: SkillServices, { term }: CommandContext): Promise<void> {
  const entries = await services.registry.list();
  if (!entries.length) {
    term.line(
      `No skills in ${services.registry.dir}. Write skills/<name>/SKILL.md and skill.ts, or run /skill create_skill <name>.`,
    );
    return;
  }
  const width = Math.max(...entries.map((e) => e.name.length));
  for (const entry of entries) {
    const description = entry.manifest?.description ?? "";
    term.line(`  ${entry.name.padEnd(width)}  ${statusLabel(entry, term.style.bind(term))}  ${description}`);
    term.line(term.style("dim", `  ${" ".repeat(width)}  ${howTo(entry)}`));
  }
}

function statusLabel(entry: SkillEntry, style: CommandContext["term"]["style"]): string {
  switch (entry.state.kind) {
    case "approved":
      return style("green", "approved  ");
    case "proposed":
      return style("yellow", "proposed  ");
    case "changed":
      return style("yellow", "revoked   ");
    case "deprecated":
      return style("dim", "deprecated");
    case "invalid":
      return style("red", "invalid   ");
  }
}

function howTo(entry: SkillEntry): string {
  switch (entry.state.kind) {
    case "approved":
      return entry.manifest ? usageLine(entry.manifest) : "";
    case "proposed":
      return `review it (/skill help ${entry.name}), then /approve ${entry.name}`;
    case "changed":
      return `${entry.state.reason}: review it, then /approve ${entry.name}`;
    case "deprecated":
      return "does not run";
    case "invalid":
      return entry.state.error;
  }
}

async function help(services: SkillServices, { term }: CommandContext, name: string): Promise<void> {
  if (!name) {
    term.line("Usage: /skill help <name>");
    return;
  }
  const entry = await services.registry.get(name);
  if (!entry) {
    term.error(`No skill "${name}". /skill list shows them.`);
    return;
  }
  term.line(entry.skillMd.trimEnd());
  term.line(term.style("dim", notRunnable(entry)));
}

async function runSkill(
  services: SkillServices,
  { term }: CommandContext,
  name: string,
  line: string,
): Promise<void> {
  const controller = new AbortController();
  const onInterrupt = () => controller.abort();
  process.on("SIGINT", onInterrupt);
  try {
    const outcome = await services.runner.run({
      name,
      input: { kind: "line", line },
      signal: controller.signal,
      onLog: (text) => term.note(term.style("dim", text)),
      onProgress: (chunk) => term.note(term.style("dim", chunk.replace(/\n$/, ""))),
    });
    if (outcome.ok) term.line(outcome.text);
    else term.error(outcome.text);
    term.note(
      term.style(
        "dim",
        `(${name}: ${outcome.ok ? "done" : "failed"} in ${(outcome.durationMs / 1000).toFixed(1)} s)`,
      ),
    );
  } catch (error) {
    if (SkillUnavailableError.isInstance(error) || SkillArgsError.isInstance(error))
      term.error(error.message);
    else throw error;
  } finally {
    process.off("SIGINT", onInterrupt);
  }
}

/** The REPL commands skills and playbooks add: /skill, /approve, /playbooks. */
export function createSkillCommands(services: SkillServices): SlashCommand[] {
  return [createSkillCommand(services), createApproveCommand(services), createPlaybooksCommand(services)];
}
