// Keeps the spill logs of .agent/logs/ within a total size: each long command output writes one (up to
// 64 MiB), so without a bound a busy session would fill the disk the workspace lives on. The oldest go first.
import { promises as fs } from "node:fs";

/** Most bytes all spill logs together may take; the newest are kept. */
export const SPILL_TOTAL_MAX_BYTES = 256 * 1024 * 1024;

const SPILL_NAME = /^shell-[\w.-]+\.log$/;

/**
 * Deletes the oldest spill logs in `dir` (a path naming the opened .agent/logs) until the rest take at most
 * `budget` bytes. Other files are left alone. Returns the names deleted; never throws.
 */
export async function pruneSpillLogs(dir: string, budget: number): Promise<string[]> {
  const logs: Array<{ name: string; size: number; mtimeMs: number }> = [];
  try {
    for (const name of await fs.readdir(dir)) {
      if (!SPILL_NAME.test(name)) continue;
      const info = await fs.lstat(`${dir}/${name}`).catch(() => undefined);
      if (info?.isFile()) logs.push({ name, size: info.size, mtimeMs: info.mtimeMs });
    }
  } catch {
    return [];
  }
  logs.sort((a, b) => b.mtimeMs - a.mtimeMs || (a.name < b.name ? 1 : -1));
  const deleted: string[] = [];
  let total = 0;
  for (const log of logs) {
    total += log.size;
    if (total <= budget) continue;
    await fs.rm(`${dir}/${log.name}`, { force: true }).catch(() => undefined);
    deleted.push(log.name);
  }
  return deleted;
}
