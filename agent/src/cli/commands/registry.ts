// The slash commands the REPL knows, in the order /help lists them.
import { byeCommand } from "./bye.js";
import { clearCommand } from "./clear.js";
import type { SlashCommand } from "./command.js";
import { compactCommand } from "./compact.js";
import { contextCommand } from "./context.js";
import { createHelpCommand } from "./help.js";
import { initCommand } from "./init.js";
import { keyCommand } from "./key.js";
import { providerCommand } from "./provider.js";
import { providersCommand } from "./providers.js";
import { reloadCommand } from "./reload.js";
import { rewindCommand } from "./rewind.js";
import { toolsCommand } from "./tools.js";
import { undoCommand } from "./undo.js";

export function builtinCommands(extra: readonly SlashCommand[] = []): SlashCommand[] {
  const commands: SlashCommand[] = [];
  commands.push(
    createHelpCommand(() => commands),
    clearCommand,
    compactCommand,
    contextCommand,
    initCommand,
    undoCommand,
    rewindCommand,
    toolsCommand,
    reloadCommand,
    providersCommand,
    providerCommand,
    keyCommand,
    ...extra,
    byeCommand,
  );
  return commands;
}
