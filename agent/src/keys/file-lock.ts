// A lock file next to the keystore (`keys.enc.lock`, created whole by a hard link that fails if it exists) so
// agents in other processes change the keystore one at a time: each re-reads it under the lock, losing nothing.

import { randomBytes } from "node:crypto";
import { promises as fs } from "node:fs";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { backoffDelay } from "@ts-coding-agent/mcp-kit/backoff";
import { namedError } from "@ts-coding-agent/mcp-kit/named-error";
import { removeStaleTemps } from "./atomic-write.js";
import { processGone, processIdentity } from "./process-identity.js";

export interface FileLockOptions {
  /** Longest wait for another holder, in ms (default 15 s): holders keep it for one write or one rotation. */
  timeoutMs?: number;
  /** A lock older than this is a crashed holder's, whoever it was (default 2 minutes). */
  staleMs?: number;
}

/** Jittered backoff from 10 to 200 ms: holders keep the lock for milliseconds (a write) to a second (Argon2). */
const LOCK_BACKOFF = { initialMs: 10, maxMs: 200 };

/** The lock could not be taken in time: another process holds it. */
export class FileLockTimeoutError extends namedError("FileLockTimeoutError") {
  constructor(
    /** The lock file. */
    readonly path: string,
    /** What the lock file says about its holder. */
    readonly holder: string,
  ) {
    super(`${path} is held by another process (${holder || "unknown"})`);
  }
}

interface LockContent {
  /** Random per acquisition: release removes only its own lock. */
  token: string;
  /** process-identity.ts of the holder, or `pid:<n>` where /proc cannot say. */
  holder: string;
}

/** Runs `task` holding the lock at `lockPath`; the lock goes when it ends, however it ends. */
export async function withFileLock<T>(
  lockPath: string,
  task: () => Promise<T>,
  options: FileLockOptions = {},
): Promise<T> {
  const content: LockContent = {
    token: randomBytes(12).toString("hex"),
    holder: processIdentity() ?? `pid:${process.pid}`,
  };
  await acquire(lockPath, content, options.timeoutMs ?? 15_000, options.staleMs ?? 120_000);
  try {
    return await task();
  } finally {
    await release(lockPath, content.token);
  }
}

async function acquire(lockPath: string, content: LockContent, timeoutMs: number, staleMs: number) {
  const deadline = Date.now() + timeoutMs;
  for (let attempt = 0; ; attempt++) {
    if (await tryCreate(lockPath, content)) return;
    const held = await readLock(lockPath);
    if (await isStale(lockPath, held, staleMs)) {
      // Remove it only if it still is the lock we judged (another waiter may have replaced it meanwhile).
      if ((await readLock(lockPath))?.token === held?.token) await fs.rm(lockPath, { force: true });
      continue;
    }
    if (Date.now() >= deadline) throw new FileLockTimeoutError(lockPath, held?.holder ?? "");
    await sleep(backoffDelay(attempt + 1, LOCK_BACKOFF));
  }
}

/**
 * Creates the lock with its content in one step: written to a temp file, then hard-linked to the lock path
 * (which fails if it exists), so a holder killed at any moment leaves no lock without an owner in it.
 */
async function tryCreate(lockPath: string, content: LockContent): Promise<boolean> {
  await removeStaleTemps(lockPath);
  const temp = path.join(
    path.dirname(lockPath),
    `.${path.basename(lockPath)}.${process.pid}.${randomBytes(6).toString("hex")}.tmp`,
  );
  try {
    await fs.writeFile(temp, JSON.stringify(content), { mode: 0o600, flag: "wx" });
    await fs.link(temp, lockPath);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EEXIST") return false;
    throw error;
  } finally {
    await fs.rm(temp, { force: true });
  }
}

/** The lock file's content, or undefined when it is gone or unreadable. */
async function readLock(lockPath: string): Promise<LockContent | undefined> {
  try {
    const parsed = JSON.parse(await fs.readFile(lockPath, "utf8")) as Partial<LockContent>;
    return typeof parsed.token === "string" && typeof parsed.holder === "string"
      ? { token: parsed.token, holder: parsed.holder }
      : undefined;
  } catch {
    return undefined;
  }
}

/** Its holder is provably gone, or it is older than any holder keeps it. */
async function isStale(lockPath: string, held: LockContent | undefined, staleMs: number): Promise<boolean> {
  if (held !== undefined && processGone(held.holder) === true) return true;
  try {
    return Date.now() - (await fs.stat(lockPath)).mtimeMs > staleMs;
  } catch {
    return false;
  }
}

async function release(lockPath: string, token: string): Promise<void> {
  if ((await readLock(lockPath))?.token === token) await fs.rm(lockPath, { force: true });
}
