// /compact [focus]: summarises the older turns now, keeping the recent ones verbatim; the focus says what the
// summary should keep in detail. Ctrl-C stops the summary request and leaves the conversation unchanged.
import type { SlashCommand } from "./command.js";

export const compactCommand: SlashCommand = {
  name: "compact",
  usage: "/compact [focus]",
  summary: "summarise older turns now, keeping recent ones (focus: what to keep in detail)",
  async run(args, { session, term, signal, emit }) {
    const result = await session.compact(args, signal, emit);
    switch (result.outcome) {
      case "nothing":
        term.line(`Nothing to compact: ${result.reason}.`);
        return;
      case "summarised":
        term.line(
          `Compacted: ${result.removed} older messages are now a summary at the head of the conversation. ` +
            "/context shows what the next request holds.",
        );
        return;
      case "dropped":
      case "aborted":
        return; // the notice and the compaction line said what happened
    }
  },
};
