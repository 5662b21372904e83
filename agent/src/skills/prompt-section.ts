// The system prompt section that lets the model discover skills: approved ones it can run with run_skill
// (name, description, arguments), proposed ones it can only suggest.
import { usageLine } from "./args.js";
import type { SkillEntry } from "./registry.js";

/** The section for these skills ("" when there are none worth mentioning). */
export function skillsPromptSection(entries: readonly SkillEntry[]): string {
  const approved = entries.filter((e) => e.state.kind === "approved" && e.manifest);
  const proposed = entries.filter(
    (e) => (e.state.kind === "proposed" || e.state.kind === "changed") && e.manifest,
  );
  if (!approved.length && !proposed.length) return "";
  const lines = ["## Skills"];
  if (approved.length) {
    lines.push(
      'Approved skills: run one with the run_skill tool, e.g. {"name": "hello", "args": {"text": "hi"}}.',
    );
    for (const entry of approved) {
      const usage = entry.manifest ? usageLine(entry.manifest).replace(/^\/skill \S+\s*/, "") : "";
      lines.push(`- ${entry.name}: ${entry.manifest?.description ?? ""}${usage ? ` Args: ${usage}` : ""}`);
    }
  }
  if (proposed.length) {
    lines.push(
      "Proposed skills (not approved, cannot run; suggest the user reviews them and runs /approve <name>):",
    );
    for (const entry of proposed) lines.push(`- ${entry.name}: ${entry.manifest?.description ?? ""}`);
  }
  return lines.join("\n");
}
