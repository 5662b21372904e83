// A skill that type-checks under the repository's Node types but not under the skill API's (no Node types):
// the type check refuses it, as the import rule does at load.
import type { SkillArgs, SkillContext } from "../../../skills/skill-api.js";

export async function run(_args: SkillArgs, _ctx: SkillContext): Promise<string> {
  return process.cwd();
}
