// The error every workspace boundary check throws: it names the path the model asked for and the rule it broke,
// so the tool result tells the model exactly why and what to do instead.

/** Which boundary rule a path broke; stable values for tests and logs. */
export type WorkspaceRule =
  | "bad-characters"
  | "outside-workspace"
  | "symlink-outside"
  | "agent-internal"
  | "special-file"
  | "hard-link"
  | "not-found"
  | "not-a-file"
  | "not-a-directory"
  | "changed-during-access";

/** A path was refused by the workspace boundary or does not exist there. */
export class WorkspaceError extends Error {
  override readonly name = "WorkspaceError";
  constructor(
    /** The path as the model gave it. */
    readonly path: string,
    /** The rule the path broke. */
    readonly rule: WorkspaceRule,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
  static isInstance(error: unknown): error is WorkspaceError {
    return error instanceof Error && error.name === "WorkspaceError";
  }
}
