// bug_fix: asks the model for a minimal patch (edit_file calls) for an error in a file, applies it, runs the
// tests, and restores every touched file byte for byte when an edit fails or the tests fail.
import type { SkillArgs, SkillContext, SkillResult, SkillToolCall } from "../skill-api.js";

const WINDOW = 40;

const SYSTEM =
  "You fix bugs with the smallest possible patch. Answer only with edit_file calls: each replaces an exact, " +
  "unique old_text (copied from the file, without the line numbers) with new_text. Change nothing unrelated.";

export async function run(args: SkillArgs, ctx: SkillContext): Promise<SkillResult> {
  const file = String(args.file);
  const error = String(args.error);
  const read = await ctx.tools.read_file({ path: file });
  if (read.isError) return { ok: false, text: `Cannot read ${file}: ${read.text}` };
  const lines = read.text.replace(/\n\n\[Showing lines[^\]]*\]$/, "").split("\n");
  const focus = typeof args.line === "number" ? args.line : undefined;
  const from = focus ? Math.max(1, focus - WINDOW) : 1;
  const to = focus ? Math.min(lines.length, focus + WINDOW) : lines.length;
  const numbered = lines
    .slice(from - 1, to)
    .map((text, i) => `${String(from + i).padStart(5)}  ${text}`)
    .join("\n");

  ctx.log(`bug_fix: asking for a patch for ${file}${focus ? ` around line ${focus}` : ""}`);
  const answer = await ctx.llm.complete({
    system: SYSTEM,
    prompt: `Error:\n${error}\n\nFile ${file}, lines ${from}-${to}:\n${numbered}`,
    tools: ["edit_file"],
  });
  const edits = answer.toolCalls.filter((call) => call.name === "edit_file" && !call.error);
  if (!edits.length) {
    return {
      ok: false,
      text: `The model proposed no edit_file call; nothing was changed.${answer.text ? `\nIt said: ${answer.text}` : ""}`,
    };
  }
  const paths = [...new Set(edits.map((edit) => String(edit.args.path ?? file)))];

  if (ctx.dryRun) {
    const results = await applyEdits(ctx, edits, file);
    return {
      ok: results.ok,
      text: results.ok ? `Patch for ${paths.join(", ")} (not applied, no tests run).` : results.text,
    };
  }

  const backupDir = `.agent/skill-backups/bug_fix-${Date.now()}`;
  const backup = await ctx.tools.shell({
    command: [
      `mkdir -p ${ctx.shellQuote(backupDir)}`,
      ...paths.map((p, i) => `cp -p -- ${ctx.shellQuote(p)} ${ctx.shellQuote(`${backupDir}/${i}`)}`),
    ].join(" && "),
  });
  if (backup.isError)
    return { ok: false, text: `Could not back up ${paths.join(", ")}; nothing was changed.\n${backup.text}` };
  const restore = async () => {
    const command = paths
      .map((p, i) => `cp -p -- ${ctx.shellQuote(`${backupDir}/${i}`)} ${ctx.shellQuote(p)}`)
      .join(" && ");
    const restored = await ctx.tools.shell({
      command: `${command} && rm -rf -- ${ctx.shellQuote(backupDir)}`,
    });
    return restored.isError ? `\nRestoring failed; the originals are in ${backupDir}.` : "";
  };

  const applied = await applyEdits(ctx, edits, file);
  if (!applied.ok)
    return { ok: false, text: `${applied.text}\nEvery edit was rolled back.${await restore()}` };

  const command = typeof args.test === "string" && args.test ? args.test : await ctx.detectTestCommand();
  if (!command) {
    const note = await restore();
    return {
      ok: false,
      text: `No test command found (no package.json or Python tests); pass test:"<command>". The patch was rolled back.${note}`,
    };
  }
  ctx.log(`bug_fix: running ${command}`);
  const tests = await ctx.tools.shell({ command, timeout_seconds: 600 });
  if (tests.isError) {
    const note = await restore();
    return {
      ok: false,
      text: `The tests fail with the patch (${command}); every edit was rolled back.${note}\n\n${tail(tests.text)}`,
    };
  }
  await ctx.tools.shell({ command: `rm -rf -- ${ctx.shellQuote(backupDir)}` });
  return { ok: true, text: `Fixed: the tests pass (${command}).\n\n${applied.text}\n\n${tail(tests.text)}` };
}

async function applyEdits(
  ctx: SkillContext,
  edits: SkillToolCall[],
  file: string,
): Promise<{ ok: boolean; text: string }> {
  const diffs: string[] = [];
  for (const edit of edits) {
    const result = await ctx.tools.edit_file({ ...edit.args, path: String(edit.args.path ?? file) });
    if (result.isError) return { ok: false, text: `An edit did not apply: ${result.text}` };
    diffs.push(result.text);
  }
  return { ok: true, text: diffs.join("\n") };
}

function tail(text: string, lines = 30): string {
  return text.split("\n").slice(-lines).join("\n");
}
