// /tools: the tools the model can call now, the MCP servers behind them (up or down, and why), and tools
// that failed to load.
import type { SlashCommand } from "./command.js";

export const toolsCommand: SlashCommand = {
  name: "tools",
  usage: "/tools",
  summary: "list the tools, their servers, and any that failed to load",
  async run(_args, { session, term, services }) {
    let tools: Awaited<ReturnType<typeof session.tools.listTools>> = [];
    try {
      tools = await session.tools.listTools();
    } catch (error) {
      term.error(`The tools are unavailable: ${error instanceof Error ? error.message : String(error)}`);
    }
    const width = Math.max(0, ...tools.map((t) => t.name.length));
    term.line(`${tools.length} tool${tools.length === 1 ? "" : "s"}:`);
    for (const tool of tools) {
      const summary = (tool.description.split("\n", 1)[0] ?? "").slice(0, 100);
      term.line(`  ${tool.name.padEnd(width)}  ${term.style("dim", summary)}`);
    }
    const servers = services.toolStatus?.() ?? [];
    if (servers.length) {
      term.line("Servers:");
      for (const server of servers) {
        const state = server.state === "up" ? term.style("green", "up") : term.style("red", server.state);
        const reason = server.reason ? ` (${server.reason})` : "";
        const changed = server.changedSinceStart
          ? term.style("yellow", " · tool list changed since start")
          : "";
        const where = server.description ? ` · ${server.description}` : "";
        term.line(
          `  ${server.name} [${server.kind}] ${state}${reason} · ${server.tools.length} tools${changed}${where}`,
        );
        for (const dropped of server.dropped)
          term.line(term.style("dim", `    not offered: ${dropped.mcpName} (${dropped.reason})`));
      }
    }
    const problems = (await services.toolProblems?.()) ?? [];
    if (problems.length) {
      term.line("Failed to load:");
      for (const problem of problems) term.line(`  ${problem.name}: ${term.style("red", problem.reason)}`);
    }
  },
};
