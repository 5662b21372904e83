// The error runFromEnv throws for a bad environment variable: which one, what it held, what is expected.
// main() prints its message and exits with code 2 (a configuration error, not a crash).
import { namedError } from "./named-error.js";

export class KitConfigError extends namedError("KitConfigError") {
  constructor(
    message: string,
    /** The environment variable that was wrong. */
    readonly variable: string,
  ) {
    super(message);
  }
}
