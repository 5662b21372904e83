// The servers' logger: pino JSON lines on stdout, named after the server. Servers get pino through the kit
// so their own package.json files need not depend on it.

import { type Logger, pino } from "pino";

export type { Logger };

/** A pino logger; `level` is a pino level name (fatal ... trace, or silent for tests). */
export function createLogger(name: string, level = "info"): Logger {
  return pino({ name, level });
}
