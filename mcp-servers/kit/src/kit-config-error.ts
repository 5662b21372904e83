// The error runFromEnv throws for a bad environment variable: which one, what it held, what is expected.
// main() prints its message and exits with code 2 (a configuration error, not a crash).

export class KitConfigError extends Error {
  override readonly name = "KitConfigError";

  constructor(
    message: string,
    /** The environment variable that was wrong. */
    readonly variable: string,
  ) {
    super(message);
  }

  static isInstance(error: unknown): error is KitConfigError {
    return error instanceof Error && error.name === "KitConfigError";
  }
}
