// The logger every layer below the CLI writes to: a pino-compatible object, passed in. Nothing below cli/
// prints to stdout or stderr itself, because the CLI owns the terminal. This module imports nothing, so the
// sandbox, the hub and the guards may all depend on it (file-logger.ts builds the real one).

/** One pino-style log method: structured fields first, then a message. */
export type LogFn = (fields: Record<string, unknown>, message?: string) => void;

/** The subset of a pino logger the agent's layers use. */
export interface Logger {
  /** Chatty detail: stderr lines of stdio servers, reconnect attempts. */
  debug: LogFn;
  /** Normal events: a server connected, the sandbox restarted. */
  info: LogFn;
  /** Something is degraded: a server is down, a tool was dropped. */
  warn: LogFn;
  /** Something failed that should not have. */
  error: LogFn;
}

const ignore: LogFn = () => undefined;

/** Discards everything: the default when no logger is given. */
export const silentLogger: Logger = { debug: ignore, info: ignore, warn: ignore, error: ignore };
