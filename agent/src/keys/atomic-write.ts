// Crash-safe file replacement: after a crash at any moment the path holds the old bytes or the new ones,
// never a mix and never nothing. Used for the keystore and its rotation backup.
import { randomBytes } from "node:crypto";
import { constants, promises as fs } from "node:fs";
import path from "node:path";

/** Suffix of the temp files `writeFileAtomic` creates next to the target (`.<name>.<pid>.<hex>.tmp`). */
const TEMP_SUFFIX = ".tmp";

/** The temp file name for a write to `target`; the pid lets a later writer tell a dead writer's leftovers. */
function tempPathFor(target: string): string {
  const dir = path.dirname(target);
  const name = path.basename(target);
  return path.join(dir, `.${name}.${process.pid}.${randomBytes(6).toString("hex")}${TEMP_SUFFIX}`);
}

/**
 * Fsyncs a directory so a rename inside it survives a power loss. Some platforms cannot open a directory
 * for fsync (Windows: EISDIR/EPERM); there the rename is as durable as the OS makes it, so we carry on.
 */
export async function fsyncDirectory(dir: string): Promise<void> {
  let handle: fs.FileHandle | undefined;
  try {
    handle = await fs.open(dir, constants.O_RDONLY);
    await handle.sync();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== "EISDIR" && code !== "EPERM" && code !== "EINVAL" && code !== "EBADF") throw error;
  } finally {
    await handle?.close();
  }
}

/**
 * Replaces `target` with `data`: a temp file in the same directory (created exclusively with `mode`),
 * write, fsync, rename over the target, fsync the directory. On failure the temp file is removed and the
 * target is untouched; the error is rethrown as is.
 */
export async function writeFileAtomic(
  target: string,
  data: string | Uint8Array,
  mode: number,
): Promise<void> {
  const temp = tempPathFor(target);
  let handle: fs.FileHandle | undefined;
  try {
    handle = await fs.open(temp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, mode);
    // The umask may have narrowed the mode; chmod makes it exact (it never widens beyond what we asked).
    await handle.chmod(mode);
    await handle.writeFile(data);
    await handle.sync();
    await handle.close();
    handle = undefined;
    await fs.rename(temp, target);
  } catch (error) {
    await handle?.close().catch(() => undefined);
    await fs.rm(temp, { force: true }).catch(() => undefined);
    throw error;
  }
  await fsyncDirectory(path.dirname(target));
}

/** True when a process with this pid exists (EPERM means it exists but belongs to someone else). */
function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * Removes temp files a crashed `writeFileAtomic(target)` left behind: those whose writer pid is gone, or
 * that are older than `maxAgeMs` (pids are reused, notably in containers where the agent is often pid 1).
 * Never removes a live writer's fresh temp file. Returns the removed paths; never throws.
 */
export async function removeStaleTemps(target: string, maxAgeMs = 60_000): Promise<string[]> {
  const dir = path.dirname(target);
  const escaped = path.basename(target).replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  const ours = new RegExp(`^\\.${escaped}\\.(\\d+)\\.[0-9a-f]+\\${TEMP_SUFFIX}$`);
  const removed: string[] = [];
  let names: string[];
  try {
    names = await fs.readdir(dir);
  } catch {
    return removed;
  }
  for (const name of names) {
    const match = ours.exec(name);
    if (match === null) continue;
    const pid = Number(match[1]);
    const full = path.join(dir, name);
    try {
      const stat = await fs.stat(full);
      const old = Date.now() - stat.mtimeMs > maxAgeMs;
      const orphaned = pid !== process.pid && pid > 0 && !isAlive(pid);
      if (old || orphaned) {
        await fs.rm(full, { force: true });
        removed.push(full);
      }
    } catch {
      // Raced with another cleaner or the writer itself: nothing to do.
    }
  }
  return removed;
}
