// Writes small skills into a skills dir for tests: a SKILL.md from front matter fields and a skill.ts body.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";

export interface TestSkill {
  name: string;
  description?: string;
  status?: string;
  allowedTools?: string[];
  /** YAML lines of the args list (already indented by two). */
  args?: string;
  /** The whole skill.ts. */
  code: string;
}

export function skillMd(skill: TestSkill): string {
  return [
    "---",
    `name: ${skill.name}`,
    `description: ${skill.description ?? `The ${skill.name} test skill.`}`,
    `status: ${skill.status ?? "proposed"}`,
    `allowed_tools: [${(skill.allowedTools ?? []).join(", ")}]`,
    skill.args ? `args:\n${skill.args}` : "args: []",
    "---",
    `# ${skill.name}`,
    "",
  ].join("\n");
}

export function writeSkill(skillsDir: string, skill: TestSkill): string {
  const dir = join(skillsDir, skill.name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "SKILL.md"), skillMd(skill));
  writeFileSync(join(dir, "skill.ts"), skill.code);
  return dir;
}

/** A skill that calls each named tool with `{path: "x"}` and reports the results. */
export function toolCallingSkill(name: string, allowedTools: string[], calls: string[]): TestSkill {
  return {
    name,
    allowedTools,
    code:
      'import type { SkillArgs, SkillContext } from "../skill-api.js";\n' +
      "export async function run(_args: SkillArgs, ctx: SkillContext) {\n" +
      "  const out: string[] = [];\n" +
      `  for (const tool of ${JSON.stringify(calls)}) out.push((await ctx.tools.call(tool, { path: "x" })).text);\n` +
      '  return { ok: true, text: out.join("|") };\n}\n',
  };
}
