// The shared flow of /undo and /rewind N: show what going back to before a turn restores (the files added,
// changed and deleted since, what is not tracked, the turns removed), ask, then restore files and conversation.
import type { RewindPlan } from "../agent-session.js";
import { type FileChanges, noChanges } from "../checkpoints/checkpoint-store.js";
import type { CommandContext } from "./commands/command.js";

/** Paths listed per kind before "and N more". */
const LISTED = 12;

export async function rewindTo(
  turn: number,
  { session, term, confirm, signal }: CommandContext,
): Promise<void> {
  let plan: RewindPlan;
  try {
    plan = await session.planRewind(turn);
  } catch (error) {
    term.error(`Cannot rewind: ${error instanceof Error ? error.message : String(error)}`);
    return;
  }
  const { target } = plan;
  term.line(`Back to before turn ${target.turn} (${timeOf(target.at)}: "${preview(target.prompt)}"):`);
  const later = plan.turnsRemoved > 1 ? ` and the ${plan.turnsRemoved - 1} after it` : "";
  term.line(
    `  conversation: turn ${target.turn}${later} leave the conversation ` +
      `(${plan.messagesNow} messages now, ${plan.messagesAfter} after).`,
  );
  const files = plan.files;
  if (files.kind === "unavailable") {
    term.line(`  files: not restored (${files.reason}).`);
  } else if (noChanges(files.changes)) {
    term.line("  files: no changes since then.");
  } else {
    term.line("  files, as they were before that turn:");
    for (const line of describeChanges(files.changes)) term.line(`    ${line}`);
    term.line(term.style("dim", `  not tracked (left as they are): ${files.notTracked}`));
  }
  const question =
    files.kind === "restore" && !noChanges(files.changes) ? "Restore?" : "Rewind the conversation?";
  if (!(await confirm(question)) || signal.aborted) {
    term.line("Nothing changed.");
    return;
  }
  let restored: Awaited<ReturnType<typeof session.rewind>>;
  try {
    restored = await session.rewind(turn);
  } catch (error) {
    term.error(
      `The files could not be restored (${error instanceof Error ? error.message : String(error)}); ` +
        "the conversation was not rewound.",
    );
    return;
  }
  const filesDone = restored
    ? noChanges(restored.changes)
      ? "no file needed restoring"
      : `${restoredFiles(restored.changes)} (the replaced versions are kept as checkpoint ${restored.replaced.slice(0, 12)})`
    : "files not restored";
  term.line(
    `Rewound to before turn ${target.turn}: ${filesDone}; the conversation has ${session.history.messages.length} ` +
      "messages.",
  );
  if (target.prompt)
    term.line(term.style("dim", `Turn ${target.turn}'s prompt was: ${preview(target.prompt, 200)}`));
}

/** `restore  a.ts, b.ts` lines: what restoring does to each file. */
export function describeChanges(changes: FileChanges): string[] {
  const lines: string[] = [];
  if (changes.changed.length) lines.push(`restore   ${listed(changes.changed)}`);
  if (changes.deleted.length) lines.push(`recreate  ${listed(changes.deleted)}`);
  if (changes.added.length) lines.push(`delete    ${listed(changes.added)}  (added since)`);
  return lines;
}

/** `files: 1 restored, 1 recreated, 1 deleted`: what a restore did. */
function restoredFiles(changes: FileChanges): string {
  const parts = [
    changes.changed.length ? `${changes.changed.length} restored` : "",
    changes.deleted.length ? `${changes.deleted.length} recreated` : "",
    changes.added.length ? `${changes.added.length} deleted` : "",
  ].filter(Boolean);
  return `files: ${parts.join(", ")}`;
}

/** `2 changed, 1 added` for a turn's files. */
export function countChanges(changes: FileChanges): string {
  const parts = [
    changes.changed.length ? `${changes.changed.length} changed` : "",
    changes.added.length ? `${changes.added.length} added` : "",
    changes.deleted.length ? `${changes.deleted.length} deleted` : "",
  ].filter(Boolean);
  return parts.length ? `files: ${parts.join(", ")}` : "no file changes";
}

function listed(paths: readonly string[]): string {
  const shown = paths.slice(0, LISTED).join(", ");
  return paths.length > LISTED ? `${shown} and ${paths.length - LISTED} more` : shown;
}

export function preview(text: string, max = 60): string {
  const line = text.replace(/\s+/g, " ").trim();
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

export function timeOf(iso: string): string {
  return iso.slice(11, 19);
}
