// /approve <skill>: REPL only (the model has no way to call it). Validates the skill, shows its allowed tools
// and hash, asks for confirmation, then marks it approved and records the ledger entry.
import { commitApproval, prepareApproval } from "../../skills/approve-skill.js";
import { SkillUnavailableError } from "../../skills/skill-errors.js";
import type { SkillServices } from "../../skills/skill-services.js";
import { StoreConflictError, StoreError } from "../../store/store.js";
import type { SlashCommand } from "./command.js";

export function createApproveCommand(services: SkillServices): SlashCommand {
  return {
    name: "approve",
    usage: "/approve <skill>",
    summary: "review and approve a skill so it can run",
    async run(args, { term, confirm }) {
      const name = args.trim();
      if (!name || /\s/.test(name)) {
        term.line("Usage: /approve <skill>   (/skill list shows proposed skills)");
        return;
      }
      try {
        const request = await prepareApproval(services.registry, name, services.skillApiPath);
        term.line(`Skill ${request.name}: ${request.description}`);
        term.line(`  allowed tools: ${request.allowedTools.join(", ") || "none"}`);
        term.line(`  sha256: ${request.hash}`);
        if (request.alreadyApproved) term.line(term.style("dim", "  (already approved at this hash)"));
        term.line(
          term.style(
            "dim",
            `  Read it first with /skill help ${name}; approved skills run in the agent process.`,
          ),
        );
        if (!(await confirm(`Approve ${name}?`))) {
          term.line("Not approved.");
          return;
        }
        const by = await commitApproval(services.registry, request);
        term.line(`Approved ${name} (by ${by}). Run it with /skill ${name}.`);
      } catch (error) {
        const expected =
          SkillUnavailableError.isInstance(error) ||
          StoreError.isInstance(error) ||
          StoreConflictError.isInstance(error);
        if (expected) term.error(error.message);
        else throw error;
      }
    },
  };
}
