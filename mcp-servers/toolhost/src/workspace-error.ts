// The error every workspace boundary check throws: it names the path the model asked for and the rule it broke,
// so the tool result tells the model exactly why and what to do instead.

import type { Stats } from "node:fs";
import { namedError } from "@ts-coding-agent/mcp-kit/named-error";

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
export class WorkspaceError extends namedError("WorkspaceError") {
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
}

/** The errno code of a Node system error ("ENOENT"), if it is one. */
export function errorCode(error: unknown): string | undefined {
  return error instanceof Error && "code" in error ? String(error.code) : undefined;
}

/** What kind of special file `stats` describes ("a FIFO (named pipe)"), or undefined for files and directories. */
export function describeSpecial(stats: Stats): string | undefined {
  if (stats.isFIFO()) return "a FIFO (named pipe)";
  if (stats.isSocket()) return "a socket";
  if (stats.isCharacterDevice()) return "a character device";
  if (stats.isBlockDevice()) return "a block device";
  return undefined;
}

/** Throws when an existing entry must not be replaced by a write (symlink swapped in, directory, special file, hard links). */
export function checkReplaceable(input: string, existing: Stats): void {
  if (existing.isSymbolicLink()) {
    throw new WorkspaceError(input, "changed-during-access", `${input} changed while writing it; try again.`);
  }
  if (existing.isDirectory()) {
    throw new WorkspaceError(input, "not-a-file", `${input} is a directory; choose a file path inside it.`);
  }
  const special = describeSpecial(existing);
  if (special !== undefined) {
    throw new WorkspaceError(input, "special-file", `${input} is ${special}; refused.`);
  }
  if (existing.nlink > 1) {
    throw new WorkspaceError(
      input,
      "hard-link",
      `${input} has ${existing.nlink} hard links, which may lead outside the workspace; writes through ` +
        "hard links are refused. Delete it (shell: rm) and write a new file.",
    );
  }
}

/** Maps a failure to resolve `input` to a WorkspaceError where one applies. */
export function resolveError(input: string, error: unknown): Error {
  if (WorkspaceError.isInstance(error)) return error;
  switch (errorCode(error)) {
    case "ENOENT":
      return new WorkspaceError(
        input,
        "not-found",
        `${input} does not exist; use list_files to see what does.`,
      );
    case "ENOTDIR":
      return new WorkspaceError(input, "not-a-directory", `A parent of ${input} is not a directory.`);
    case "ELOOP":
      return new WorkspaceError(input, "symlink-outside", `${input} is a symlink loop; refused.`);
    default:
      return error instanceof Error ? error : new Error(String(error));
  }
}

/** Maps a failure to open `input` (after it resolved) to a WorkspaceError where one applies. */
export function openError(input: string, error: unknown): Error {
  const code = errorCode(error);
  // ELOOP from O_NOFOLLOW: the path was a plain file or directory when resolved and is a symlink now.
  if (code === "ELOOP" || code === "ENOTDIR") {
    return new WorkspaceError(input, "changed-during-access", `${input} changed while opening it; refused.`);
  }
  return resolveError(input, error);
}
