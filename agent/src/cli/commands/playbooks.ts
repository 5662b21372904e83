// /playbooks: the playbooks on disk (invalid ones with their error) and which were added to the last turn.
import type { SkillServices } from "../../skills/skill-services.js";
import type { SlashCommand } from "./command.js";

export function createPlaybooksCommand(services: SkillServices): SlashCommand {
  return {
    name: "playbooks",
    usage: "/playbooks",
    summary: "list playbooks and those used in the last turn",
    run(_args, { term }) {
      const entries = services.playbooks.list();
      if (!entries.length) {
        term.line(
          `No playbooks in ${services.playbooks.dir}. Add playbooks/<category>/<name>.md with front matter.`,
        );
      }
      const width = Math.max(0, ...entries.map((e) => e.id.length));
      for (const entry of entries) {
        const text =
          entry.kind === "valid" ? entry.description : term.style("red", `invalid: ${entry.error}`);
        term.line(`  ${entry.id.padEnd(width)}  ${text}`);
      }
      const last = services.lastPlaybooks();
      term.line(
        last.length
          ? `Used in the last turn: ${last.map((p) => `${p.id} (score ${p.score.toFixed(1)})`).join(", ")}`
          : "None was used in the last turn.",
      );
    },
  };
}
