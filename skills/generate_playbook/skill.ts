// generate_playbook: asks the model for a playbook body and writes playbooks/<category>/<slug>.md with valid
// front matter through the agent-side playbook_write tool (which re-checks the category and the file).
import type { SkillArgs, SkillContext, SkillResult } from "../skill-api.js";

const SYSTEM =
  "You write playbooks for a coding agent: short Markdown guides (at most 40 lines) of concrete steps, checks " +
  "and pitfalls. Reply with the Markdown body only: no front matter, no preamble.";

export async function run(args: SkillArgs, ctx: SkillContext): Promise<SkillResult> {
  const category = String(args.category);
  if (/[/\\]|\.\./.test(category) || !/^[a-z0-9][a-z0-9_-]*$/.test(category)) {
    return {
      ok: false,
      text: `Invalid category "${category}": one lowercase folder name, without path separators.`,
    };
  }
  const description = String(args.description).trim();
  const keywords = Array.isArray(args.keywords) ? args.keywords : [];
  const name = typeof args.name === "string" && args.name.trim() ? args.name.trim() : titleFrom(description);
  const file = slug(name);
  if (!file) return { ok: false, text: `Cannot make a file name from "${name}"; pass name:"<title>".` };

  ctx.log(`generate_playbook: writing ${category}/${file}.md`);
  const answer = await ctx.llm.complete({
    system: SYSTEM,
    prompt: `Playbook "${name}": ${description}${keywords.length ? `\nKeywords: ${keywords.join(", ")}` : ""}`,
  });
  const body = answer.text.replace(/^---[\s\S]*?\n---\s*\n/, "").trim();
  if (!body) return { ok: false, text: "The model returned an empty playbook; nothing was written." };
  const content = [
    "---",
    `name: ${JSON.stringify(name)}`,
    `description: ${JSON.stringify(description)}`,
    `keywords: ${JSON.stringify(keywords)}`,
    "---",
    "",
    body,
    "",
  ].join("\n");
  if (ctx.dryRun) return { ok: true, text: `Would write playbooks/${category}/${file}.md:\n\n${content}` };
  const written = await ctx.tools.playbook_write({
    category,
    file,
    content,
    overwrite: args.overwrite === true,
  });
  return written.isError
    ? { ok: false, text: written.text }
    : { ok: true, text: `${written.text}\n\n${content}` };
}

function titleFrom(description: string): string {
  const words = description
    .split(/\s+/)
    .slice(0, 6)
    .join(" ")
    .replace(/[.:;,]+$/, "");
  return words.charAt(0).toUpperCase() + words.slice(1);
}

function slug(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 60);
}
