// /bye: leaves the REPL cleanly (the sandbox and tool servers are stopped on the way out).
import type { SlashCommand } from "./command.js";

export const byeCommand: SlashCommand = {
  name: "bye",
  usage: "/bye",
  summary: "leave (also: exit, quit, Ctrl-D)",
  run(_args, { requestExit }) {
    requestExit();
  },
};
