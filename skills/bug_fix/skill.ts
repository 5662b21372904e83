// bug_fix: runs the tests to see which fail, asks the model for a minimal patch (edit_file calls), applies it and
// runs the tests again. The patch stays only when a test that failed passes and none regressed; else every
// touched file is restored byte for byte. A run that shows nothing (0 tests, unknown output) changes nothing.
import type { SkillArgs, SkillContext, SkillResult, SkillTestRun, SkillToolCall } from "../skill-api.js";

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

  // The tests first: a patch can only be shown to fix what a failing test shows.
  let before: SkillTestRun | undefined;
  if (!ctx.dryRun) {
    ctx.log("bug_fix: running the tests before changing anything");
    before = await ctx.runTests(typeof args.test === "string" ? args.test : undefined);
    if (before.problem !== undefined) {
      return {
        ok: false,
        text: `Cannot check a fix: ${before.problem}. Nothing was changed.${outputOf(before)}`,
      };
    }
    if (before.failed === 0) {
      return {
        ok: false,
        text:
          `No test fails before any change (${before.passed} passed: ${before.command}), so no test can show ` +
          `that a patch fixes "${firstLine(error)}". Nothing was changed. Add a test that reproduces the error ` +
          '(or pass test:"<command>" that does) and run bug_fix again.',
      };
    }
  }

  ctx.log(`bug_fix: asking for a patch for ${file}${focus ? ` around line ${focus}` : ""}`);
  const failing = before?.tests.filter((t) => t.outcome === "failed").map((t) => t.id) ?? [];
  const answer = await ctx.llm.complete({
    system: SYSTEM,
    prompt:
      `Error:\n${error}\n\n` +
      (failing.length ? `Failing tests:\n${failing.slice(0, 20).join("\n")}\n\n` : "") +
      `File ${file}, lines ${from}-${to}:\n${numbered}`,
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

  if (ctx.dryRun || before === undefined) {
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

  ctx.log(`bug_fix: running ${before.command} with the patch`);
  const after = await ctx.runTests(before.command);
  const compared = await ctx.compareTestRuns(before, after);
  const list = (ids: string[]) => ids.slice(0, 10).join(", ") + (ids.length > 10 ? ", ..." : "");
  const reasons: string[] = [];
  if (after.problem !== undefined) reasons.push(`the tests show nothing with it: ${after.problem}`);
  else {
    if (compared.fixed.length === 0) {
      reasons.push(
        `no test that failed before passes with it (still failing: ${list(compared.stillFailing)})`,
      );
    }
    if (compared.regressed.length)
      reasons.push(`it breaks tests that did not fail before: ${list(compared.regressed)}`);
    if (compared.missing.length)
      reasons.push(`tests that passed before did not run: ${list(compared.missing)}`);
    else if (compared.fewerTests) reasons.push(`${compared.fewerTests} fewer tests ran`);
  }
  if (reasons.length) {
    const note = await restore();
    return {
      ok: false,
      text:
        `Not fixed: ${reasons.join("; ")}. Every edit was rolled back.${note}\n${compared.summary}` +
        `\n\n${applied.text}${outputOf(after)}`,
    };
  }
  await ctx.tools.shell({ command: `rm -rf -- ${ctx.shellQuote(backupDir)}` });
  const still = compared.stillFailing.length
    ? ` Still failing, as before: ${list(compared.stillFailing)}.`
    : "";
  return {
    ok: true,
    text:
      `Fixed: ${compared.fixed.length} test${compared.fixed.length === 1 ? "" : "s"} that failed now pass ` +
      `(${list(compared.fixed)}), and no test regressed.${still}\n${compared.summary}\n\n${applied.text}` +
      outputOf(after),
  };
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

function outputOf(run: SkillTestRun): string {
  return run.tail ? `\n\n${run.command}:\n${run.tail}` : "";
}

function firstLine(text: string): string {
  const line = text.trim().split("\n", 1)[0] ?? "";
  return line.length > 120 ? `${line.slice(0, 117)}...` : line;
}
