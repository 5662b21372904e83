// /rewind lists the turns with what each changed in the workspace; /rewind N goes back to before turn N, the
// files and the conversation together, after showing what will be restored and asking.
import { countChanges, preview, rewindTo, timeOf } from "../rewind-flow.js";
import type { SlashCommand } from "./command.js";

/** Turns listed by a bare /rewind: the most recent ones. */
const LISTED_TURNS = 20;

export const rewindCommand: SlashCommand = {
  name: "rewind",
  usage: "/rewind [N]",
  summary: "list the turns, or go back to before turn N (files and conversation; shows them, then asks)",
  async run(args, context) {
    const { session, term } = context;
    const turns = session.turns;
    if (turns.length === 0) {
      term.line("Nothing to rewind: no turn has run in this conversation.");
      return;
    }
    const range = `1–${turns.length}`;
    if (!args) {
      term.line(`Turns (/rewind N goes back to before turn N; /undo to before the last):`);
      const shown = turns.slice(-LISTED_TURNS);
      if (shown.length < turns.length)
        term.line(term.style("dim", `  (${turns.length - shown.length} earlier turns)`));
      for (const [i, turn] of shown.entries()) {
        const next = shown[i + 1]?.checkpoint;
        const files = await turnChanges(context, turn.checkpoint, next);
        term.line(
          `  ${String(turn.turn).padStart(3)}  ${timeOf(turn.at)}  ${preview(turn.prompt, 50).padEnd(50)}  ` +
            term.style("dim", files),
        );
      }
      return;
    }
    if (!/^\d+$/.test(args)) {
      term.error(`Usage: /rewind [N], where N is a turn number from /rewind's list (${range}).`);
      return;
    }
    const n = Number(args);
    if (!turns.some((turn) => turn.turn === n)) {
      term.error(`There is no turn ${n}: this conversation has turns ${range}. /rewind lists them.`);
      return;
    }
    await rewindTo(n, context);
  },
};

/** What a turn changed: from its checkpoint to the next turn's, or to now for the last. */
async function turnChanges(
  { session }: Parameters<SlashCommand["run"]>[1],
  from: string | undefined,
  to: string | undefined,
): Promise<string> {
  const store = session.checkpoints;
  if (!store || !from) return "files: no checkpoint";
  try {
    return countChanges(to ? await store.changesBetween(from, to) : await store.changesSince(from));
  } catch {
    return "files: unknown";
  }
}
