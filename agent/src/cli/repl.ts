// The interactive front end: reads prompts and slash commands, runs turns, and handles Ctrl-C (abort the
// running turn; twice within a second exits 130). Works on a TTY and on piped stdin (exits at EOF).
import { createInterface, type Interface } from "node:readline";
import type { Readable, Writable } from "node:stream";
import type { AgentSession } from "../agent-session.js";
import { type CommandServices, runCommand, type SlashCommand } from "./commands/command.js";
import { LineQueue } from "./line-queue.js";
import { createRenderer } from "./render.js";
import type { Terminal } from "./terminal.js";

export interface ReplOptions {
  session: AgentSession;
  term: Terminal;
  commands: readonly SlashCommand[];
  services: CommandServices;
  input: Readable;
  /** Where readline echoes and draws its prompt (the TTY). */
  output: Writable;
  interactive: boolean;
  banner: string;
}

const DOUBLE_PRESS_MS = 1_000;

export async function runRepl(options: ReplOptions): Promise<number> {
  const { session, term, interactive } = options;
  const rl = createInterface({
    input: options.input,
    ...(interactive ? { output: options.output } : {}),
    terminal: interactive,
    historySize: interactive ? 200 : 0,
  });
  rl.setPrompt(term.style("bold", "> "));
  const lines = new LineQueue(rl);
  const secretInput = interactive ? muteableEcho(rl) : undefined;
  const render = createRenderer(term, { mode: "repl" });
  let running: AbortController | undefined;
  let lastInterrupt = 0;
  let exitCode: number | undefined;

  const onInterrupt = () => {
    const now = Date.now();
    if (now - lastInterrupt < DOUBLE_PRESS_MS) {
      exitCode = 130;
      running?.abort();
      rl.close();
      return;
    }
    lastInterrupt = now;
    if (running) {
      running.abort();
      return;
    }
    if (!interactive) {
      // Piped input has nobody to press Ctrl-C twice: one SIGINT while idle exits.
      exitCode = 130;
      rl.close();
      return;
    }
    term.endLine();
    rl.write("", { ctrl: true, name: "u" });
    term.note(term.style("dim", "(Ctrl-C again to exit, or type /bye)"));
    rl.prompt();
  };
  // Terminal closed or `docker compose stop`: leave through the normal path, so the sandbox is removed.
  const onTerminate = () => {
    exitCode = 130;
    running?.abort();
    rl.close();
  };
  rl.on("SIGINT", onInterrupt);
  process.on("SIGINT", onInterrupt);
  process.on("SIGTERM", onTerminate);
  process.on("SIGHUP", onTerminate);

  let exitRequested = false;
  const context = {
    session,
    term,
    services: options.services,
    requestExit: () => {
      exitRequested = true;
    },
    confirm: async (question: string) => {
      if (interactive) rl.setPrompt(`${question} [y/N] `);
      else term.line(`${question} [y/N]`);
      if (interactive) rl.prompt();
      const answer = await lines.next();
      rl.setPrompt(term.style("bold", "> "));
      return /^y(es)?$/i.test(answer?.trim() ?? "");
    },
    askSecret: async (question: string) => {
      if (!interactive) return lines.next();
      rl.setPrompt(question);
      rl.prompt();
      secretInput?.mute(true);
      try {
        return await lines.next();
      } finally {
        secretInput?.mute(false);
        forgetLastLine(rl);
        rl.setPrompt(term.style("bold", "> "));
      }
    },
  };

  if (interactive) term.line(options.banner);
  try {
    for (;;) {
      if (interactive && exitCode === undefined) rl.prompt();
      const line = await lines.next();
      if (line === undefined || exitCode !== undefined) break;
      const text = line.trim();
      if (!text) continue;
      if (text === "exit" || text === "quit") break;
      if (text.startsWith("/")) {
        // A key typed on the command line must not linger in the up-arrow history.
        if (/^\/key\s/.test(text)) forgetLastLine(rl);
        await runCommand(options.commands, text, context);
        if (exitRequested) break;
        continue;
      }
      running = new AbortController();
      try {
        await session.prompt(text, running.signal, render);
      } catch (error) {
        // A bug, not an expected failure: say so, keep the REPL alive, and keep the history.
        term.error(
          `Internal error: ${error instanceof Error ? error.message : String(error)} (see the log file)`,
        );
      } finally {
        running = undefined;
      }
    }
  } finally {
    process.off("SIGINT", onInterrupt);
    process.off("SIGTERM", onTerminate);
    process.off("SIGHUP", onTerminate);
    rl.close();
  }
  return exitCode ?? 0;
}

/**
 * readline has no public switch for echo; its `_writeToOutput` hook is the documented-by-practice way to hide
 * typed characters (used for password prompts). Only the newline is let through while muted.
 */
function muteableEcho(rl: Interface): { mute: (on: boolean) => void } {
  const internals = rl as unknown as { _writeToOutput: (text: string) => void };
  const original = internals._writeToOutput.bind(rl);
  let muted = false;
  internals._writeToOutput = (text: string) => {
    if (!muted) original(text);
    else if (text.includes("\n")) original("\n");
  };
  return {
    mute: (on) => {
      muted = on;
    },
  };
}

function forgetLastLine(rl: Interface): void {
  const history = (rl as unknown as { history?: string[] }).history;
  history?.shift();
}
