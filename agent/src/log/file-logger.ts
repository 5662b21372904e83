// The agent's logger: pino to a file (never the REPL's stdout), with every known secret redacted by path,
// by value in the record, and once more on the serialised line.
import { mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import pino, { type Logger } from "pino";
import type { LogLevel } from "../config.js";
import { logRedactionOptions, scrubbingDestination } from "../keys/redaction.js";
import type { SecretSet } from "../keys/secrets.js";

export interface LogTarget {
  level: LogLevel;
  file: string;
}

/**
 * Opens the log file (creating its directory); when that is impossible (a read-only data dir on a host),
 * falls back to the OS temp dir rather than failing the agent. Returns the logger and the file really used.
 */
export function createLogger(target: LogTarget, secrets: SecretSet): { logger: Logger; file: string } {
  const file = openable(target.file) ? target.file : join(tmpdir(), "ts-coding-agent", "agent.log");
  mkdirSync(dirname(file), { recursive: true });
  // Synchronous writes: a few lines per step cost microseconds, and nothing is lost when the process dies.
  const destination = pino.destination({ dest: file, sync: true, mkdir: true });
  const logger = pino(
    {
      level: target.level,
      base: { pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
      ...logRedactionOptions(secrets),
    },
    scrubbingDestination(secrets, destination),
  );
  return { logger, file };
}

function openable(file: string): boolean {
  try {
    mkdirSync(dirname(file), { recursive: true });
    return true;
  } catch {
    return false;
  }
}
