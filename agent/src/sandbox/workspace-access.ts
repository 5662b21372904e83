// Whether the sandbox's user may write the workspace, judged from its owner and mode before any tool runs, so
// the REPL can say at start whose the folder is and how to fix it (a root-owned ./workspace is the usual case).
import type { Stats } from "node:fs";
import { stat } from "node:fs/promises";
import { describeOwner } from "@ts-coding-agent/toolhost";

/** A uid and gid pair. */
export interface UserIds {
  uid: number;
  gid: number;
}

/** True when `user` may create files in a directory with these stats (root may always). */
export function mayWrite(stats: Pick<Stats, "uid" | "gid" | "mode">, user: UserIds): boolean {
  if (user.uid === 0) return true;
  if (stats.uid === user.uid) return (stats.mode & 0o300) === 0o300;
  if (stats.gid === user.gid) return (stats.mode & 0o030) === 0o030;
  return (stats.mode & 0o003) === 0o003;
}

/**
 * One line when `user` cannot write the workspace at `path` (shown as `hostPath` when known), else undefined.
 * A missing workspace is the launcher's own error, not reported here.
 */
export async function workspaceAccessProblem(
  path: string,
  user: UserIds,
  hostPath?: string,
): Promise<string | undefined> {
  const stats = await stat(path).catch(() => undefined);
  if (stats === undefined || !stats.isDirectory() || mayWrite(stats, user)) return undefined;
  const shown = hostPath !== undefined && hostPath !== path ? `${path} (${hostPath} on the host)` : path;
  const mode = (stats.mode & 0o777).toString(8).padStart(3, "0");
  return (
    `The workspace ${shown} belongs to ${describeOwner(stats.uid)} (mode ${mode}) and the tools run as ` +
    `${describeOwner(user.uid)}: every write will fail. Fix: sudo chown -R "$(id -u):$(id -g)" ` +
    `${hostPath ?? path} on the host, or use a workspace you own.`
  );
}
