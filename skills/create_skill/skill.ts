// create_skill: generates skills/<name>/skill.ts from its SKILL.md with the LLM, validates it (import rules +
// type check, one retry with the errors), and leaves the skill proposed for a human to /approve.
import type { SkillArgs, SkillContext, SkillResult } from "../skill-api.js";

const SYSTEM = [
  "You write skills for a TypeScript coding agent. Reply with one ```ts code block holding skill.ts:",
  '- start with: import type { SkillArgs, SkillContext, SkillResult } from "../skill-api.js";',
  "- export async function run(args: SkillArgs, ctx: SkillContext): Promise<SkillResult>, returning { ok, text };",
  "- reach files, commands and the network only through ctx.tools.<tool>({...}) for tools in allowed_tools;",
  "  each returns { text, isError }; use ctx.llm.complete / ctx.llm.runAgent for the model, ctx.log for progress;",
  "- no other imports, no process, require, fetch or eval; strict TypeScript; honour ctx.dryRun.",
].join("\n");

export async function run(args: SkillArgs, ctx: SkillContext): Promise<SkillResult> {
  const name = String(args.name);
  const spec = await ctx.tools.skill_read({ name, file: "SKILL.md" });
  if (spec.isError) return { ok: false, text: `Write skills/${name}/SKILL.md first: ${spec.text}` };
  const existing = await ctx.tools.skill_read({ name, file: "skill.ts" });
  if (!existing.isError && args.overwrite !== true) {
    return { ok: false, text: `skills/${name}/skill.ts exists; pass --overwrite to replace it.` };
  }

  let prompt = `SKILL.md of the skill "${name}":\n\n${spec.text}`;
  let problems = "";
  for (let attempt = 1; attempt <= 2; attempt++) {
    ctx.log(`create_skill: generating skill.ts (attempt ${attempt})`);
    const answer = await ctx.llm.complete({ system: SYSTEM, prompt });
    const code = extractCode(answer.text);
    if (!code) {
      problems = "the model's answer had no ```ts code block";
      prompt += "\n\nAnswer with one ```ts code block only.";
      continue;
    }
    if (ctx.dryRun) return { ok: true, text: `Generated skills/${name}/skill.ts (not written):\n\n${code}` };
    const written = await ctx.tools.skill_write({ name, file: "skill.ts", content: code, overwrite: true });
    if (written.isError) return { ok: false, text: written.text };
    const check = await ctx.tools.skill_validate({ name });
    if (!check.isError) {
      const proposed = await markProposed(ctx, name, spec.text);
      return {
        ok: proposed === "",
        text:
          proposed ||
          `Wrote skills/${name}/skill.ts; it passes the import rules and the type check. It is proposed: ` +
            `review it (/skill help ${name}) and run /approve ${name} to let it run.`,
      };
    }
    problems = check.text;
    prompt = `${prompt}\n\nYour previous skill.ts:\n\`\`\`ts\n${code}\n\`\`\`\nIt fails validation:\n${check.text}\nFix it.`;
  }
  return {
    ok: false,
    text: `skills/${name}/skill.ts does not validate (it stays proposed and cannot run):\n${problems}`,
  };
}

/** Sets `status: proposed` in SKILL.md when it says otherwise; "" on success, else the error. */
async function markProposed(ctx: SkillContext, name: string, skillMd: string): Promise<string> {
  if (/^status:\s*proposed\s*$/m.test(skillMd)) return "";
  const content = skillMd.replace(/^status:.*$/m, "status: proposed");
  const written = await ctx.tools.skill_write({ name, file: "SKILL.md", content, overwrite: true });
  return written.isError
    ? `skill.ts was written but SKILL.md could not be marked proposed: ${written.text}`
    : "";
}

function extractCode(text: string): string | undefined {
  const match = /```(?:ts|typescript)?\s*\n([\s\S]*?)```/.exec(text);
  const code = match?.[1]?.trim();
  return code ? `${code}\n` : undefined;
}
