// The interactive front end: reads prompts and slash commands, runs turns, and handles Ctrl-C (abort the
// running turn; twice within a second exits 130). Works on a TTY and on piped stdin (exits at EOF).
import { createInterface, type Interface } from "node:readline";
import type { Readable, Writable } from "node:stream";
import type { AgentSession } from "../agent-session.js";
import { type CommandServices, runCommand, type SlashCommand } from "./commands/command.js";
import { InputEcho } from "./input-echo.js";
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
  /** Runs after the banner, before the first prompt (on a terminal only): the provider check. */
  beforeFirstPrompt?: () => Promise<void>;
}

const DOUBLE_PRESS_MS = 1_000;

export async function runRepl(options: ReplOptions): Promise<number> {
  const { session, term, interactive } = options;
  // The line editor draws through `echo`, which a running turn silences (see input-echo.ts).
  const echo = interactive ? new InputEcho(options.output) : undefined;
  const rl = createInterface({
    input: options.input,
    ...(echo ? { output: echo } : {}),
    terminal: interactive,
    historySize: interactive ? 200 : 0,
  });
  const promptText = term.style("bold", "> ");
  rl.setPrompt(promptText);
  const lines = new LineQueue(rl);
  const render = createRenderer(term, { mode: "repl" });
  let running: AbortController | undefined;
  let lastInterrupt = 0;
  let exitCode: number | undefined;
  /** A command is asking a question (confirm, secret): Ctrl-C cancels the question. */
  let asking = false;

  /** Shows `prompt` with whatever was typed ahead, and reads one line. */
  const ask = async (prompt: string, mode: "on" | "secret" = "on"): Promise<string | undefined> => {
    if (!echo) return lines.next();
    rl.setPrompt(prompt);
    echo.mode = "on";
    rl.prompt(true);
    term.inputLineOpen();
    echo.mode = mode;
    asking = true;
    try {
      return await lines.next();
    } finally {
      asking = false;
      term.inputLineClosed(); // Enter moved the cursor to a new line
      echo.mode = "off"; // until the next prompt: nothing the editor draws may land on the output
      rl.setPrompt(promptText);
    }
  };

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
      if (asking && echo) {
        // A command's question: drop what was typed, end the line, and answer it with nothing.
        echo.mode = "off";
        rl.write("", { ctrl: true, name: "u" });
        options.output.write("\n");
        lines.cancel();
      }
      return;
    }
    if (!interactive || !echo) {
      // Piped input has nobody to press Ctrl-C twice: one SIGINT while idle exits.
      exitCode = 130;
      rl.close();
      return;
    }
    // Clear what was typed without drawing, say how to leave, and prompt again below the notice.
    echo.mode = "off";
    rl.write("", { ctrl: true, name: "u" });
    term.note(term.style("dim", "(Ctrl-C again to exit, or type /bye)"));
    echo.mode = "on";
    rl.prompt(true);
    term.inputLineOpen();
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
      if (!interactive) term.line(`${question} [y/N]`);
      const answer = await ask(`${question} [y/N] `);
      return /^y(es)?$/i.test(answer?.trim() ?? "");
    },
    askSecret: async (question: string) => {
      try {
        return await ask(question, "secret");
      } finally {
        if (interactive) forgetLastLine(rl);
      }
    },
  };

  if (interactive) {
    term.line(options.banner);
    await options.beforeFirstPrompt?.();
  }
  try {
    for (;;) {
      if (exitCode !== undefined) break;
      // A line typed while the last turn ran is already waiting: show it as if typed at the prompt.
      const typedAhead = interactive && lines.pending > 0;
      const line = typedAhead ? await lines.next() : await ask(promptText);
      if (line === undefined || exitCode !== undefined) break;
      if (typedAhead) term.line(`${promptText}${shownInput(line)}`);
      const text = line.trim();
      if (!text) continue;
      if (text === "exit" || text === "quit") break;
      if (text.startsWith("/")) {
        // A key typed on the command line must not linger in the up-arrow history.
        if (/^\/key\s/.test(text)) forgetLastLine(rl);
        // Ctrl-C stops a command's work (an LLM request) as it stops a turn.
        running = new AbortController();
        try {
          await runCommand(options.commands, text, { ...context, signal: running.signal, emit: render });
        } finally {
          running = undefined;
          term.status(undefined);
          term.endStream();
        }
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
      if (interactive) term.line(); // a blank line between the answer and the next prompt
    }
  } finally {
    process.off("SIGINT", onInterrupt);
    process.off("SIGTERM", onTerminate);
    process.off("SIGHUP", onTerminate);
    if (echo) echo.mode = "on";
    rl.close();
    term.endLine();
  }
  return exitCode ?? 0;
}

/** A typed-ahead line as it is echoed: a key given on the command line is not shown. */
function shownInput(line: string): string {
  const key = /^(\s*\/key\s+(?!list\b|remove\b)\S+)\s+\S/.exec(line);
  return key ? `${key[1]} …` : line;
}

function forgetLastLine(rl: Interface): void {
  const history = (rl as unknown as { history?: string[] }).history;
  history?.shift();
}
