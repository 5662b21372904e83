// /clear: forgets the conversation so the next prompt starts fresh (the session log records the clear).
import type { SlashCommand } from "./command.js";

export const clearCommand: SlashCommand = {
  name: "clear",
  usage: "/clear",
  summary: "forget the conversation and start fresh",
  run(_args, { session, term }) {
    const count = session.history.messages.length;
    session.clear();
    term.line(`Cleared ${count} message${count === 1 ? "" : "s"}.`);
  },
};
