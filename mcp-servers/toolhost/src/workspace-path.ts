// Lexical path rules of the workspace boundary: characters, `..` escapes, absolute paths, sibling prefixes and
// agent-internal paths. Pure string work; workspace.ts adds the filesystem checks (symlinks, file types, races).
import path from "node:path";
import { WorkspaceError } from "./workspace-error.js";

/** What a tool is about to do with a path; agent-internal paths allow less for writes. */
export type AccessIntent = "read" | "write";

const MAX_PATH_LENGTH = 4096;
// C0 controls and DEL: never part of a sane file name, and NUL would truncate the path in a syscall.
function hasControlCharacter(text: string): boolean {
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    if (code < 0x20 || code === 0x7f) return true;
  }
  return false;
}

/** True when `candidate` is `root` itself or below it (segment-wise: /ws2 is not inside /ws). */
export function isInside(root: string, candidate: string): boolean {
  const relative = path.relative(root, candidate);
  return relative === "" || (!relative.startsWith("..") && !path.isAbsolute(relative));
}

/**
 * Turns a path as the model wrote it into a normalized path relative to the workspace root ("" for the root).
 * Accepts relative paths and absolute paths under the root as given or as resolved. Throws a WorkspaceError
 * for control characters, `..` escapes and absolute paths outside the root.
 */
export function toWorkspaceRelative(input: string, roots: { given: string; real: string }): string {
  if (hasControlCharacter(input)) {
    throw new WorkspaceError(
      input,
      "bad-characters",
      `Path ${JSON.stringify(input)} contains a NUL or control character; use a plain file name.`,
    );
  }
  if (input.length > MAX_PATH_LENGTH) {
    throw new WorkspaceError(
      input.slice(0, 80),
      "bad-characters",
      `Path is longer than ${MAX_PATH_LENGTH} characters.`,
    );
  }
  if (path.isAbsolute(input)) {
    const absolute = path.normalize(input);
    for (const root of [roots.given, roots.real]) {
      if (isInside(root, absolute)) return path.relative(root, absolute);
    }
    throw new WorkspaceError(
      input,
      "outside-workspace",
      `Path ${input} is outside the workspace ${roots.given}; use a path relative to the workspace root.`,
    );
  }
  const relative = path.normalize(input === "" ? "." : input);
  if (relative === ".." || relative.startsWith("../")) {
    throw new WorkspaceError(
      input,
      "outside-workspace",
      `Path ${input} escapes the workspace with ".."; only files under the workspace root are reachable.`,
    );
  }
  return relative === "." ? "" : relative.replace(/\/+$/, "");
}

/**
 * Refuses agent-internal paths: every write under `.agent/`, reads under `.agent/` outside `.agent/logs/` and
 * `.agent/artifacts/` (run_code's artifacts),
 * and any file named `keys.enc` (the keystore, should someone mount it).
 */
export function checkAgentInternal(relative: string, intent: AccessIntent, input: string): void {
  const segments = relative.split("/").filter((segment) => segment !== "");
  if (segments.includes("keys.enc")) {
    throw new WorkspaceError(
      input,
      "agent-internal",
      `Path ${input} is a keystore file (keys.enc); tools may not touch it.`,
    );
  }
  if (segments[0] !== ".agent") return;
  if (intent === "write") {
    throw new WorkspaceError(
      input,
      "agent-internal",
      `Path ${input} is under .agent/, which holds the agent's own files; write somewhere else.`,
    );
  }
  if (segments[1] !== "logs" && segments[1] !== "artifacts") {
    throw new WorkspaceError(
      input,
      "agent-internal",
      `Path ${input} is under .agent/; only .agent/logs/ (spilled shell output) and .agent/artifacts/ (run_code's artifacts) are readable.`,
    );
  }
}
