// The library's storage: skills, approvals, dynamic tools and artifacts as versioned items, each a few named
// text files, in local folders (LocalStore) or on a Redis shared by many agents (RedisStore). ADR 019.
import { namedError } from "@ts-coding-agent/mcp-kit/named-error";

/** What an item is. Each kind has its own names and files. */
export type StoreKind = "skill" | "approval" | "tool" | "artifact";

/** Every kind, in the order exports list them. */
export const STORE_KINDS: readonly StoreKind[] = ["skill", "approval", "tool", "artifact"];

/** Kinds whose whole set a store keeps readable synchronously (`readNow`): small, read on every prompt. */
export type MirroredKind = Exclude<StoreKind, "artifact">;

/** One stored item. */
export interface StoredItem {
  kind: StoreKind;
  name: string;
  /** Opaque token that changes with every write: compare for equality only. */
  version: string;
  /** File name → text. Never empty. */
  files: Record<string, string>;
}

/** A write or delete's precondition. */
export interface WriteOptions {
  /**
   * The version this write replaces: a version token, `null` for "must not exist yet", or absent for an
   * unconditional write (imports and seeds only; an editor passes what it read).
   */
  expected?: string | null;
}

/** Something changed in the store (this process or another agent). */
export interface StoreChange {
  kind: StoreKind;
  name: string;
  /** The new version, or null when the item was deleted. */
  version: string | null;
}

export interface Store {
  /** Where the library lives, for messages (`local folders` or the Redis URL without its password). */
  readonly location: string;
  /** Where one item lives, for messages (a directory, or `redis://host/skill/name`). */
  where(kind: StoreKind, name: string): string;
  /** One item, or undefined. */
  get(kind: StoreKind, name: string): Promise<StoredItem | undefined>;
  /** Every item of a kind, sorted by name. */
  list(kind: StoreKind): Promise<StoredItem[]>;
  /**
   * Every item of a mirrored kind as this process knows it now, synchronously, sorted by name: the disk for
   * LocalStore, the replica the change feed keeps current for RedisStore. Never throws.
   */
  readNow(kind: MirroredKind): StoredItem[];
  /**
   * Why `readNow(kind)` may be missing items right now (a damaged ledger file, a store out of reach), or
   * undefined. Never throws.
   */
  readProblem(kind: MirroredKind): string | undefined;
  /**
   * Writes an item (all its files) and returns its new version. Throws StoreConflictError when `expected` is
   * given and is not the current version, StoreInputError for a bad name or file.
   */
  put(kind: StoreKind, name: string, files: Record<string, string>, options?: WriteOptions): Promise<string>;
  /** Deletes an item; false when there was none. Throws StoreConflictError like put. */
  delete(kind: StoreKind, name: string, options?: WriteOptions): Promise<boolean>;
  /**
   * Calls `listener` for every change from now on, from this process or another (RedisStore: within
   * milliseconds; LocalStore: by polling, within half a second). Returns the unsubscribe function.
   * The listener must not throw; `readNow` already shows the change when it is called.
   */
  watch(listener: (change: StoreChange) => void): () => void;
  /** Stops the change feed and disconnects. Idempotent. */
  close(): Promise<void>;
}

/** A versioned write lost: someone else wrote the item since it was read. Read it again and retry. */
export class StoreConflictError extends namedError("StoreConflictError") {
  constructor(
    readonly kind: StoreKind,
    readonly itemName: string,
    /** The version the writer expected (null: that it did not exist). */
    readonly expected: string | null,
    /** The version found (null: none). */
    readonly actual: string | null,
  ) {
    super(
      `${kind} "${itemName}" was changed by someone else (expected ${describe(expected)}, found ${describe(actual)}); read it again and retry.`,
    );
  }
}

/** A bad name or file for a kind, or a store that cannot be reached: the message says what to fix. */
export class StoreError extends namedError("StoreError") {}

function describe(version: string | null): string {
  return version === null ? "no item" : `version ${version}`;
}

const NAME = /^[a-z][a-z0-9_-]{0,63}$/;
const ARTIFACT_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

/** The files each kind may hold (artifacts hold one file, `data`). */
export const KIND_FILES: Record<StoreKind, readonly string[]> = {
  skill: ["SKILL.md", "skill.ts"],
  approval: ["approval.json"],
  tool: ["tool.json", "index.ts"],
  artifact: ["data"],
};

/** Most bytes of one file: skills and tools are small; an artifact may be a report or a data set. */
export const MAX_FILE_BYTES: Record<StoreKind, number> = {
  skill: 512 * 1024,
  approval: 4 * 1024,
  tool: 512 * 1024,
  artifact: 8 * 1024 * 1024,
};

/** Throws StoreError unless `name` and `files` fit `kind`. */
export function checkItem(kind: StoreKind, name: string, files?: Record<string, string>): void {
  const pattern = kind === "artifact" ? ARTIFACT_NAME : NAME;
  if (!pattern.test(name) || name.includes("..")) {
    throw new StoreError(
      `Invalid ${kind} name ${JSON.stringify(name)}: ${kind === "artifact" ? "letters, digits, '.', '-', '_' (no path separators)" : "lowercase letters, digits, '-' or '_', starting with a letter"}.`,
    );
  }
  if (files === undefined) return;
  const names = Object.keys(files);
  if (names.length === 0) throw new StoreError(`A ${kind} needs at least one file.`);
  for (const file of names) {
    if (!KIND_FILES[kind].includes(file)) {
      throw new StoreError(
        `A ${kind} holds only ${KIND_FILES[kind].join(" and ")}, not ${JSON.stringify(file)}.`,
      );
    }
    const bytes = Buffer.byteLength(files[file] ?? "");
    if (bytes > MAX_FILE_BYTES[kind]) {
      throw new StoreError(
        `${kind} "${name}" ${file} is ${bytes} bytes; the most is ${MAX_FILE_BYTES[kind]}.`,
      );
    }
  }
}
