// /reload: rescans the dynamic tools (so tools edited, added or removed on disk take effect now), re-reads
// mcp.json and every MCP server's tool list, retries servers that are down; then lists tools that failed to load.
import type { SlashCommand } from "./command.js";

export const reloadCommand: SlashCommand = {
  name: "reload",
  usage: "/reload",
  summary: "reload dynamic tools, mcp.json and the servers' tool lists; show tools that failed to load",
  async run(_args, { term, services }) {
    if (services.reloadTools === undefined) {
      term.error("Reloading is not available here: no tool servers are configured.");
      return;
    }
    try {
      const summary = await services.reloadTools();
      if (summary !== "") term.line(summary);
    } catch (error) {
      term.error(`Reloading failed: ${error instanceof Error ? error.message : String(error)}`);
      return;
    }
    const problems = (await services.toolProblems?.()) ?? [];
    if (problems.length === 0) {
      term.line(term.style("dim", "Every dynamic tool loaded."));
      return;
    }
    term.line("Failed to load:");
    for (const problem of problems) term.line(`  ${problem.name}: ${term.style("red", problem.reason)}`);
  },
};
