// The agent process's own standard streams, named only here and in the rest of cli/: main.ts wires the front
// ends to them and never writes to them itself, so cli/ stays the only printer
// (test/architecture/only-cli-prints.test.ts proves it).
import type { Scrubber } from "../keys/stream-scrubber.js";
import { Terminal } from "./terminal.js";

/** The process's terminal streams and what main.ts needs to know about them. */
export interface ProcessIo {
  input: NodeJS.ReadStream;
  output: NodeJS.WriteStream;
  /** Both stdin and stdout are a terminal: the REPL may prompt and draw. */
  interactive: boolean;
  /** Colour and status line on stderr when it is a TTY and NO_COLOR is unset; every byte scrubbed. */
  term: Terminal;
}

/** The front ends' view of this process's stdin, stdout and stderr. */
export function processIo(secrets: Scrubber): ProcessIo {
  const fancy = Boolean(process.stderr.isTTY) && !process.env.NO_COLOR;
  return {
    input: process.stdin,
    output: process.stdout,
    interactive: Boolean(process.stdin.isTTY && process.stdout.isTTY),
    term: new Terminal({ stdout: process.stdout, stderr: process.stderr, fancy, secrets }),
  };
}

/** `--help` and `--version`: the text and a newline on stdout; exit code 0. */
export function printLine(text: string): number {
  process.stdout.write(`${text}\n`);
  return 0;
}

/** The one line a failed start or run ends with, on stderr (`agent: <message>`). */
export function printFailure(message: string): void {
  process.stderr.write(`agent: ${message}\n`);
}
