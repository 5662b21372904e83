// What a slash command is and how a line becomes one. Commands are REPL-only: they never reach the model,
// the history or the session log.
import type { AgentSession } from "../../agent-session.js";
import type { ToolServerStatus } from "../../hub/server-connection.js";
import type { Keystore } from "../../keys/keystore.js";
import type { EmitEvent } from "../../loop/events.js";
import type { Terminal } from "../terminal.js";

/** Optional services some commands use; absent ones make those commands explain how to enable them. */
export interface CommandServices {
  toolStatus?: () => ToolServerStatus[];
  /** Tools that failed to load (dynamic tools), with the reason. */
  toolProblems?: () => Promise<Array<{ name: string; reason: string }>>;
  reloadTools?: () => Promise<string>;
  /** The encrypted keystore; absent when LLM_MASTER_KEY is not set. */
  keystore?: Keystore;
  /** Registers a new secret with the scrubber (a key just stored, a new master key). */
  addSecret?: (value: string) => void;
}

export interface CommandContext {
  session: AgentSession;
  term: Terminal;
  services: CommandServices;
  /** Ends the REPL after this command (exit code 0). */
  requestExit: () => void;
  /** Asks the user a yes/no question (REPL only); resolves false when there is no one to ask. */
  confirm: (question: string) => Promise<boolean>;
  /** Reads one line without echoing it (a key); resolves undefined when input ended. */
  askSecret: (question: string) => Promise<string | undefined>;
  /** Aborted when the user presses Ctrl-C while the command runs (an LLM request it makes must stop). */
  signal: AbortSignal;
  /** Shows loop events (compaction, notices, usage) the way a turn's are shown. */
  emit: EmitEvent;
}

export interface SlashCommand {
  /** Name without the slash. */
  name: string;
  /** One usage line, e.g. `/provider <name> [model]`. */
  usage: string;
  summary: string;
  run(args: string, context: CommandContext): Promise<void> | void;
}

/** `/provider groq llama` → `{ name: "provider", args: "groq llama" }`; not a command → undefined. */
export function parseCommandLine(line: string): { name: string; args: string } | undefined {
  const match = /^\/([a-z][\w-]*)(?:\s+([\s\S]*))?$/i.exec(line.trim());
  if (!match) return undefined;
  return { name: (match[1] ?? "").toLowerCase(), args: (match[2] ?? "").trim() };
}

export async function runCommand(
  commands: readonly SlashCommand[],
  line: string,
  context: CommandContext,
): Promise<void> {
  const parsed = parseCommandLine(line);
  const command = parsed && commands.find((c) => c.name === parsed.name);
  if (!parsed || !command) {
    const name = parsed?.name ?? line.trim().split(/\s+/, 1)[0];
    const near = commands.filter(
      (c) => parsed && (c.name.startsWith(parsed.name[0] ?? "") || parsed.name.startsWith(c.name)),
    );
    const hint = near.length ? ` Did you mean ${near.map((c) => `/${c.name}`).join(", ")}?` : "";
    context.term.error(
      `Unknown command ${name?.startsWith("/") ? name : `/${name}`}.${hint} Type /help for the list.`,
    );
    return;
  }
  await command.run(parsed.args, context);
}
