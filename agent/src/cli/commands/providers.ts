// /providers: the active provider and model, and the others with their default models and URLs.
import type { SlashCommand } from "./command.js";

export const providersCommand: SlashCommand = {
  name: "providers",
  usage: "/providers",
  summary: "show the active provider and model, and list the others",
  run(_args, { session, term }) {
    const { providers } = session;
    const active = providers.active;
    term.line(
      `Active: ${term.style("bold", active.name)} · model ${providers.modelFor(active.name)} · ${active.baseURL}`,
    );
    term.line("Available:");
    for (const provider of providers.providers) {
      const marker = provider.name === active.name ? "*" : " ";
      term.line(
        `  ${marker} ${provider.name.padEnd(12)} ${providers.modelFor(provider.name).padEnd(28)} ${term.style("dim", provider.baseURL)}`,
      );
    }
    term.line(term.style("dim", "Switch with /provider <name> [model]."));
  },
};
