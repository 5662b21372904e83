// The logger the hub writes to: a pino-compatible object. The hub never prints to stdout or stderr itself,
// because the CLI owns the terminal.

/** One pino-style log method: structured fields first, then a message. */
export type HubLogFn = (fields: Record<string, unknown>, message?: string) => void;

/** The subset of a pino logger the hub uses. */
export interface HubLogger {
  /** Chatty detail: stderr lines of stdio servers, reconnect attempts. */
  debug: HubLogFn;
  /** Normal events: a server connected, the sandbox restarted. */
  info: HubLogFn;
  /** Something is degraded: a server is down, a tool was dropped. */
  warn: HubLogFn;
  /** Something failed that should not have. */
  error: HubLogFn;
}

const ignore: HubLogFn = () => undefined;

/** Discards everything: the default when no logger is given. */
export const silentLogger: HubLogger = { debug: ignore, info: ignore, warn: ignore, error: ignore };
