// Shared helpers for the keystore tests: a private temp directory per test and cheap Argon2 parameters.
// Cheap parameters keep a test file fast; the defaults are exercised once, in the round-trip test.
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import type { KeystoreOptions } from "../../../agent/src/keys/keystore.js";

/** Argon2id at its minimum cost: only for tests. */
export const CHEAP: KeystoreOptions = { kdf: { opsLimit: 1, memLimit: 8192 } };

/** Creates temp directories and removes every one of them in `cleanup()`. */
export class TempDirs {
  private readonly dirs: string[] = [];

  async make(): Promise<string> {
    const dir = await mkdtemp(path.join(os.tmpdir(), "keys-test-"));
    this.dirs.push(dir);
    return dir;
  }

  async cleanup(): Promise<void> {
    await Promise.all(this.dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
  }
}

/** Runs `action` and returns the error it throws (failing the test if it does not throw). */
export async function caught(action: () => Promise<unknown>): Promise<unknown> {
  try {
    await action();
  } catch (error) {
    return error;
  }
  throw new Error("expected the action to throw");
}

/** The two values the crash-test writer alternates between; after a kill the store must hold one of them. */
export const CRASH_VERSIONS = ["sk-version-A-0123456789abcdef", "sk-version-B-fedcba9876543210"] as const;
