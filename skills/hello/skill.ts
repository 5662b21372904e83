// hello: echoes its arguments, the smallest possible skill; proves loading, argument parsing and running.
// It uses no tools and no LLM.
import type { SkillArgs, SkillContext, SkillResult } from "../skill-api.js";

export async function run(args: SkillArgs, ctx: SkillContext): Promise<SkillResult> {
  const text = String(args.text ?? "");
  const times = typeof args.times === "number" ? Math.max(1, Math.min(args.times, 20)) : 1;
  ctx.log(`hello: echoing ${times} time(s)`);
  const lines = Array.from({ length: times }, () => text);
  return {
    ok: true,
    text: `${lines.join("\n")}\n(args: ${JSON.stringify(args)}${ctx.dryRun ? ", dry run" : ""})`,
  };
}
