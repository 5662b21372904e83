// Turns a permission error from a tool (EACCES, EPERM, EROFS) into a message that says whose the folder is
// and what the user runs to fix it, instead of a bare errno the model would only retry.
import type { Stats } from "node:fs";
import { lstat } from "node:fs/promises";
import path from "node:path";
import { errorCode } from "./workspace-error.js";

const PERMISSION_CODES = new Set(["EACCES", "EPERM", "EROFS"]);

/** True for the errors a retry cannot fix: the file system refused this user. */
export function isPermissionError(error: unknown): boolean {
  return PERMISSION_CODES.has(errorCode(error) ?? "");
}

/** `root (uid 0)` or `uid 1000`: host user names are unknown inside a container. */
export function describeOwner(uid: number): string {
  return uid === 0 ? "root (uid 0)" : `uid ${uid}`;
}

/** Who the tools run as, for messages (`uid 1000`); undefined on platforms without uids. */
function currentUser(): { uid: number; gid: number } | undefined {
  return typeof process.getuid === "function" && typeof process.getgid === "function"
    ? { uid: process.getuid(), gid: process.getgid() }
    : undefined;
}

/**
 * One message for a tool that hit a permission error on `input` (a workspace-relative path, when the tool has
 * one): the nearest existing folder on the way to it, its owner and mode, the tools' own uid, and the fix.
 * Never throws.
 */
export async function describePermissionDenied(
  tool: string,
  error: unknown,
  root: string,
  input: string | undefined,
): Promise<string> {
  if (errorCode(error) === "EROFS") {
    return `${tool} failed: the workspace is mounted read-only here, so nothing can be written. Retrying will not help; tell the user.`;
  }
  const folder = await nearestFolder(root, input);
  const shown = folder.relative === "" ? "the workspace folder" : `the folder ${folder.relative}`;
  const me = currentUser();
  const owner =
    folder.stats === undefined
      ? ""
      : ` ${shown[0]?.toUpperCase()}${shown.slice(1)} belongs to ${describeOwner(folder.stats.uid)} ` +
        `(mode ${(folder.stats.mode & 0o777).toString(8).padStart(3, "0")})` +
        (me === undefined ? "." : `, and the tools run as ${describeOwner(me.uid)}.`);
  const target = input === undefined ? "" : ` on ${input}`;
  return (
    `${tool} failed: permission denied${target}.${owner} Retrying will not help: the user must give ${shown} ` +
    `to their own user on the host (sudo chown -R "$(id -u):$(id -g)" <that folder on the host>; the ` +
    `workspace is the folder mounted at ${root}), or start the agent on a folder they own.`
  );
}

/** The deepest existing directory on the way from the root to `input`; never outside it, no symlink followed. */
async function nearestFolder(
  root: string,
  input: string | undefined,
): Promise<{ relative: string; stats: Stats | undefined }> {
  const wanted = input === undefined ? root : path.resolve(root, input);
  const inside = wanted === root || wanted.startsWith(`${root}${path.sep}`);
  let candidate = inside ? wanted : root;
  for (;;) {
    const stats = await lstat(candidate).catch(() => undefined);
    if (stats?.isDirectory() || candidate === root) {
      return { relative: path.relative(root, candidate), stats };
    }
    candidate = path.dirname(candidate);
  }
}
