// /undo: goes back to before the last turn, the workspace files (from the turn's checkpoint) and the
// conversation together, after showing what will be restored and asking.
import { rewindTo } from "../rewind-flow.js";
import type { SlashCommand } from "./command.js";

export const undoCommand: SlashCommand = {
  name: "undo",
  usage: "/undo",
  summary: "undo the last turn: its file changes and its messages (shows them, then asks)",
  async run(args, context) {
    if (args) {
      context.term.error("Usage: /undo (no arguments). To go back further, /rewind lists the turns.");
      return;
    }
    const last = context.session.turns.at(-1);
    if (!last) {
      context.term.line("Nothing to undo: no turn has run in this conversation.");
      return;
    }
    await rewindTo(last.turn, context);
  },
};
