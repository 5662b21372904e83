// The system prompt section that lets the model discover skills: approved ones it can run with run_skill,
// proposed ones it can only suggest. One short line each: every token here is paid on every request.

import type { SkillEntry } from "./registry.js";
import type { SkillManifest } from "./skill-md.js";

/** The section for these skills ("" when there are none worth mentioning). */
export function skillsPromptSection(entries: readonly SkillEntry[]): string {
  const approved = entries.filter((e) => e.state.kind === "approved" && e.manifest);
  const proposed = entries.filter(
    (e) => (e.state.kind === "proposed" || e.state.kind === "changed") && e.manifest,
  );
  if (!approved.length && !proposed.length) return "";
  const lines: string[] = [];
  if (approved.length) {
    lines.push("Skills you can run with run_skill (? marks an optional argument):");
    for (const entry of approved)
      if (entry.manifest) lines.push(`- ${signature(entry.manifest)}: ${summary(entry.manifest)}`);
  }
  if (proposed.length) {
    lines.push(
      `Proposed skills (cannot run; suggest the user reviews them and runs /approve <name>): ${proposed.map((e) => e.name).join(", ")}`,
    );
  }
  return lines.join("\n");
}

/** `bug_fix(error, file, line?, test?)`: argument names, optional ones marked. */
function signature(manifest: SkillManifest): string {
  const args = manifest.args.map((arg) => `${arg.name}${arg.required ? "" : "?"}`);
  return `${manifest.name}(${args.join(", ")})`;
}

/** The description's first sentence, cut at a word boundary near 70 characters (`/skill help` has the rest). */
function summary(manifest: SkillManifest): string {
  const first = /^.*?[.!?](?=\s|$)/s.exec(manifest.description.trim())?.[0] ?? manifest.description.trim();
  const text = first.replace(/\s+/g, " ");
  if (text.length <= 80) return text;
  return `${text.slice(0, 70).replace(/[\s,;:]+\S*$/, "")}…`;
}
