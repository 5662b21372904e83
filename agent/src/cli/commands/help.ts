// /help: every slash command with its usage, plus how to leave and interrupt.
import type { SlashCommand } from "./command.js";

export function createHelpCommand(all: () => readonly SlashCommand[]): SlashCommand {
  return {
    name: "help",
    usage: "/help",
    summary: "show this help",
    run(_args, { term }) {
      const commands = all();
      const width = Math.max(...commands.map((c) => c.usage.length));
      term.line("Type a task for the agent, or a command:");
      for (const command of commands)
        term.line(`  ${command.usage.padEnd(width)}  ${term.style("dim", command.summary)}`);
      term.line(
        term.style(
          "dim",
          "Ctrl-C interrupts the running turn; Ctrl-C twice within a second, /bye or exit leaves.",
        ),
      );
    },
  };
}
