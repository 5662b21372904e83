// A directory inside the workspace, opened component by component without following symlinks and then named
// through /proc/self/fd, so the agent's own reads and writes there (spill logs, .git) cannot be redirected
// out of the workspace by a symlink the sandbox swaps in between a check and the write.
import { constants, existsSync, promises as fs } from "node:fs";
import path from "node:path";

/** An opened directory and a path that names exactly it for as long as it is open. */
export interface PinnedDirectory {
  /** `/proc/self/fd/<n>` on Linux; elsewhere the real path (checked, but not immune to a later swap). */
  path: string;
  close(): Promise<void>;
}

const PROC_FD = "/proc/self/fd";

/**
 * Opens `root/segments…` with no symlink on the way below `root`. Undefined when a component is missing, is
 * not a directory, or is a symlink. Never throws.
 */
export async function openPinnedDirectory(
  root: string,
  segments: readonly string[],
): Promise<PinnedDirectory | undefined> {
  if (!existsSync(PROC_FD)) return realPathFallback(root, segments);
  const flags = constants.O_RDONLY | constants.O_DIRECTORY | constants.O_NOFOLLOW;
  let handle: fs.FileHandle | undefined;
  try {
    handle = await fs.open(root, constants.O_RDONLY | constants.O_DIRECTORY);
    for (const segment of segments) {
      if (segment === "" || segment === "." || segment === ".." || segment.includes("/"))
        throw new Error(segment);
      const next = await fs.open(`${PROC_FD}/${handle.fd}/${segment}`, flags);
      await handle.close();
      handle = next;
    }
    const opened = handle;
    handle = undefined;
    return { path: `${PROC_FD}/${opened.fd}`, close: () => opened.close().catch(() => undefined) };
  } catch {
    await handle?.close().catch(() => undefined);
    return undefined;
  }
}

async function realPathFallback(
  root: string,
  segments: readonly string[],
): Promise<PinnedDirectory | undefined> {
  try {
    const expected = path.join(await fs.realpath(root), ...segments);
    if ((await fs.realpath(expected)) !== expected) return undefined;
    return { path: expected, close: async () => undefined };
  } catch {
    return undefined;
  }
}
