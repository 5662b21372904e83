// The provider keystore: one encrypted file of provider → API key, opened with LLM_MASTER_KEY. Every mutation
// takes the file's lock, re-reads it, and rewrites it atomically with a fresh nonce: agents in other processes
// lose none of each other's keys, a rotation elsewhere is noticed, and a failure never loses the old file.
import { promises as fs } from "node:fs";
import nodePath from "node:path";
import { z } from "zod";
import { fsyncDirectory, removeStaleTemps, writeFileAtomic } from "./atomic-write.js";
import { FileLockTimeoutError, withFileLock } from "./file-lock.js";
import { KeystoreError } from "./keystore-error.js";
import {
  type DerivedKey,
  deriveKey,
  type KdfParams,
  kdfParamsValid,
  newSalt,
  openStoreFile,
  parseStoreFile,
  sealStoreFile,
} from "./keystore-file.js";
import { maskKey } from "./mask.js";
import { loadSodium, type Sodium } from "./sodium.js";

export interface KeystoreOptions {
  /** Argon2id cost for a new store and for `rotate` (default: libsodium's interactive limits). */
  kdf?: KdfParams;
  /** Longest wait for another process's lock before a change fails with `busy`, in ms (default 15 s). */
  lockTimeoutMs?: number;
}

/** One entry of `list()`: safe to print. */
export interface KeyListing {
  /** Provider name, lower case. */
  provider: string;
  /** Masked key (`sk-…abcd`). */
  hint: string;
  /** ISO time the key was last set. */
  updatedAt: string;
}

const storedKey = z.strictObject({ key: z.string().min(1), updatedAt: z.string() });
const contentsSchema = z.strictObject({ providers: z.record(z.string(), storedKey) });
type StoredKey = z.infer<typeof storedKey>;

const PROVIDER_NAME = /^[a-z0-9][a-z0-9._-]{0,63}$/;
const KEY_TEXT = /^[\x21-\x7e]{1,4096}$/;
const FILE_MODE = 0o600;
const DIR_MODE = 0o700;

export class Keystore {
  /** Mutations run one at a time so two `/key` commands cannot interleave their writes. */
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(
    /** Absolute path of the keystore file. */
    readonly path: string,
    private readonly sodium: Sodium,
    /** Kept to derive the key again when another process wrote the file with a new salt. */
    private masterKey: string,
    private derived: DerivedKey,
    private entries: ReadonlyMap<string, StoredKey>,
    private readonly kdfForRotation: KdfParams,
    private readonly lockTimeoutMs: number | undefined,
  ) {}

  /** The lock every mutation holds, across processes. */
  get lockPath(): string {
    return `${this.path}.lock`;
  }

  /** Where `rotate` keeps the previous file until the new one is durably in place. */
  get backupPath(): string {
    return `${this.path}.bak`;
  }

  /**
   * Opens (or, when the file is missing, prepares) the keystore at `path`. Creates the directory 0700.
   * Throws `KeystoreError`: `invalid-input` (empty master key, bad kdf option), `insecure-permissions`,
   * `corrupt`, `unsupported-version`, `wrong-key`, `io`. Never modifies an existing file.
   */
  static async open(path: string, masterKey: string, options: KeystoreOptions = {}): Promise<Keystore> {
    const file = nodePath.resolve(path);
    if (typeof masterKey !== "string" || masterKey.length === 0) {
      throw new KeystoreError(
        "invalid-input",
        file,
        "No master key: set LLM_MASTER_KEY to open the keystore.",
      );
    }
    const sodium = await loadSodium();
    const kdfForRotation = options.kdf ?? {
      opsLimit: sodium.crypto_pwhash_OPSLIMIT_INTERACTIVE,
      memLimit: sodium.crypto_pwhash_MEMLIMIT_INTERACTIVE,
    };
    if (!kdfParamsValid(kdfForRotation)) {
      throw new KeystoreError(
        "invalid-input",
        file,
        `Keystore kdf option out of range: ${JSON.stringify(kdfForRotation)}.`,
      );
    }
    await ensureDirectory(file);
    const text = await readIfPresent(file);
    if (text === undefined) {
      const salt = newSalt(sodium);
      const derived = { key: deriveKey(sodium, masterKey, salt, kdfForRotation), salt, kdf: kdfForRotation };
      return new Keystore(file, sodium, masterKey, derived, new Map(), kdfForRotation, options.lockTimeoutMs);
    }
    const parsed = parseStoreFile(sodium, file, text);
    const kdf = { opsLimit: parsed.kdf.opsLimit, memLimit: parsed.kdf.memLimit };
    const key = deriveKey(sodium, masterKey, parsed.kdf.salt, kdf);
    const entries = parseContents(file, openStoreFile(sodium, file, parsed, key));
    return new Keystore(
      file,
      sodium,
      masterKey,
      { key, salt: parsed.kdf.salt, kdf },
      entries,
      kdfForRotation,
      options.lockTimeoutMs,
    );
  }

  /** The key stored for `provider` (case-insensitive), or undefined. */
  get(provider: string): string | undefined {
    return this.entries.get(provider.trim().toLowerCase())?.key;
  }

  /** Provider names with a stored key, sorted. */
  providers(): string[] {
    return [...this.entries.keys()].sort();
  }

  /** Provider names with masked hints, sorted; never contains a key. */
  list(): KeyListing[] {
    return this.providers().map((provider) => {
      const entry = this.entries.get(provider) as StoredKey;
      return { provider, hint: maskKey(entry.key), updatedAt: entry.updatedAt };
    });
  }

  /** Stores (or replaces) the key for `provider` and rewrites the file. Throws `KeystoreError`. */
  async set(provider: string, key: string): Promise<void> {
    const name = this.providerName(provider);
    const value = typeof key === "string" ? key.trim() : "";
    if (!KEY_TEXT.test(value)) {
      throw new KeystoreError(
        "invalid-input",
        this.path,
        `The key for ${name} is empty or malformed: paste the key as one word (printable characters, no spaces).`,
      );
    }
    return this.mutate(async () => {
      const next = new Map(this.entries);
      next.set(name, { key: value, updatedAt: new Date().toISOString() });
      await this.write(next, this.derived);
      this.entries = next;
    });
  }

  /** Removes `provider`'s key; resolves false (and writes nothing) when there was none. */
  async remove(provider: string): Promise<boolean> {
    const name = this.providerName(provider);
    return this.mutate(async () => {
      if (!this.entries.has(name)) return false;
      const next = new Map(this.entries);
      next.delete(name);
      await this.write(next, this.derived);
      this.entries = next;
      return true;
    });
  }

  /**
   * Re-encrypts everything under `newMasterKey` with a new salt. The current file is first copied to
   * `backupPath`; the copy is removed only once the new file is durably in place. On failure the old file
   * and this object keep working with the old key, and the backup stays.
   */
  async rotate(newMasterKey: string): Promise<void> {
    if (typeof newMasterKey !== "string" || newMasterKey.length === 0) {
      throw new KeystoreError(
        "invalid-input",
        this.path,
        "The new master key is empty: give a non-empty key.",
      );
    }
    return this.mutate(async () => {
      const current = await readBytesIfPresent(this.path);
      if (current !== undefined)
        await this.io("write the backup", () => writeFileAtomic(this.backupPath, current, FILE_MODE));
      const salt = newSalt(this.sodium);
      const kdf = this.kdfForRotation;
      const derived = { key: deriveKey(this.sodium, newMasterKey, salt, kdf), salt, kdf };
      await this.write(this.entries, derived);
      this.derived = derived;
      this.masterKey = newMasterKey;
      if (current !== undefined) {
        await this.io("remove the backup", async () => {
          await fs.rm(this.backupPath, { force: true });
          await fsyncDirectory(nodePath.dirname(this.path));
        });
      }
    });
  }

  private providerName(provider: string): string {
    const name = typeof provider === "string" ? provider.trim().toLowerCase() : "";
    if (!PROVIDER_NAME.test(name)) {
      throw new KeystoreError(
        "invalid-input",
        this.path,
        `Invalid provider name ${JSON.stringify(provider)}: use letters, digits, '.', '_' or '-' (e.g. openai).`,
      );
    }
    return name;
  }

  private async write(entries: ReadonlyMap<string, StoredKey>, derived: DerivedKey): Promise<void> {
    const contents = JSON.stringify({ providers: Object.fromEntries(entries) });
    const text = sealStoreFile(this.sodium, derived, contents);
    await this.io("write", async () => {
      await fs.mkdir(nodePath.dirname(this.path), { recursive: true, mode: DIR_MODE });
      await removeStaleTemps(this.path);
      await writeFileAtomic(this.path, text, FILE_MODE);
    });
  }

  private async io(what: string, action: () => Promise<void>): Promise<void> {
    try {
      await action();
    } catch (error) {
      const reason = (error as Error).message;
      throw new KeystoreError(
        "io",
        this.path,
        `Could not ${what} for keystore ${this.path}: ${reason}. The previous keystore file is intact; ` +
          "check free space and that the directory is writable, then retry.",
        { cause: error },
      );
    }
  }

  /**
   * Runs a change: one at a time in this process, under the file's lock across processes, on the entries as
   * the file holds them now (another agent may have written since). Throws `busy` when the lock stays taken and
   * `rotated` when the file no longer opens with this process's master key.
   */
  private mutate<T>(change: () => Promise<T>): Promise<T> {
    return this.serialize(async () => {
      try {
        const lock = this.lockTimeoutMs === undefined ? {} : { timeoutMs: this.lockTimeoutMs };
        return await withFileLock(
          this.lockPath,
          async () => {
            await this.reload();
            return change();
          },
          lock,
        );
      } catch (error) {
        if (!FileLockTimeoutError.isInstance(error)) throw error;
        throw new KeystoreError(
          "busy",
          this.path,
          `Keystore ${this.path} is locked by another process (${error.holder || "unknown"}). Nothing was ` +
            `changed; retry, or remove ${this.lockPath} if no agent is running.`,
        );
      }
    });
  }

  /** Re-reads the file (under the lock): its entries replace ours; a new salt is derived again. */
  private async reload(): Promise<void> {
    const text = await readIfPresent(this.path);
    if (text === undefined) {
      this.entries = new Map();
      return;
    }
    const parsed = parseStoreFile(this.sodium, this.path, text);
    const kdf = { opsLimit: parsed.kdf.opsLimit, memLimit: parsed.kdf.memLimit };
    const sameKey =
      Buffer.from(parsed.kdf.salt).equals(Buffer.from(this.derived.salt)) &&
      kdf.opsLimit === this.derived.kdf.opsLimit &&
      kdf.memLimit === this.derived.kdf.memLimit;
    const key = sameKey ? this.derived.key : deriveKey(this.sodium, this.masterKey, parsed.kdf.salt, kdf);
    let plaintext: string;
    try {
      plaintext = openStoreFile(this.sodium, this.path, parsed, key);
    } catch (error) {
      if (!KeystoreError.isInstance(error) || error.code !== "wrong-key") throw error;
      throw new KeystoreError(
        "rotated",
        this.path,
        `Keystore ${this.path} was re-encrypted under another master key (agent keys rotate) after this ` +
          "agent opened it. Nothing was changed. Restart the agent with the new LLM_MASTER_KEY and retry.",
      );
    }
    this.entries = parseContents(this.path, plaintext);
    if (!sameKey) this.derived = { key, salt: parsed.kdf.salt, kdf };
  }

  private serialize<T>(task: () => Promise<T>): Promise<T> {
    const run = this.queue.then(task, task);
    this.queue = run.catch(() => undefined);
    return run;
  }
}

function parseContents(file: string, plaintext: string): Map<string, StoredKey> {
  let json: unknown;
  try {
    json = JSON.parse(plaintext);
  } catch {
    json = undefined;
  }
  const parsed = contentsSchema.safeParse(json);
  if (!parsed.success) {
    throw new KeystoreError(
      "corrupt",
      file,
      `Keystore ${file} decrypted but its contents are not a provider → key map. Nothing was changed. ` +
        `Restore it from ${file}.bak or another backup, or move it aside and add your keys again with /key.`,
    );
  }
  return new Map(Object.entries(parsed.data.providers));
}

/** Creates the keystore's directory 0700; refuses a directory others can write (they could swap the file). */
async function ensureDirectory(file: string): Promise<void> {
  const dir = nodePath.dirname(file);
  try {
    await fs.mkdir(dir, { recursive: true, mode: DIR_MODE });
    const stat = await fs.stat(dir);
    if (process.platform !== "win32" && (stat.mode & 0o022) !== 0) {
      throw new KeystoreError(
        "insecure-permissions",
        file,
        `The keystore directory ${dir} is writable by other users, who could replace the keystore. ` +
          `Run: chmod 700 ${dir} (or set KEYSTORE_PATH to a file in a private directory).`,
      );
    }
  } catch (error) {
    if (KeystoreError.isInstance(error)) throw error;
    throw ioError(file, `could not create its directory ${dir}`, error);
  }
}

/** The file's text, or undefined when it does not exist. Refuses non-files and files others can read. */
async function readIfPresent(file: string): Promise<string | undefined> {
  let stat: Awaited<ReturnType<typeof fs.stat>>;
  try {
    stat = await fs.stat(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw ioError(file, "could not read it", error);
  }
  if (!stat.isFile())
    throw ioError(file, "it is not a regular file (a directory?); set KEYSTORE_PATH to a file");
  if (process.platform !== "win32" && (stat.mode & 0o077) !== 0) {
    throw new KeystoreError(
      "insecure-permissions",
      file,
      `Keystore ${file} is accessible to other users (mode ${(stat.mode & 0o777).toString(8)}). ` +
        `Run: chmod 600 ${file}`,
    );
  }
  try {
    return await fs.readFile(file, "utf8");
  } catch (error) {
    throw ioError(file, "could not read it", error);
  }
}

async function readBytesIfPresent(file: string): Promise<Uint8Array | undefined> {
  try {
    return await fs.readFile(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw ioError(file, "could not read it for the backup", error);
  }
}

function ioError(file: string, what: string, cause?: unknown): KeystoreError {
  const detail = cause instanceof Error ? `: ${cause.message}` : "";
  return new KeystoreError("io", file, `Keystore ${file}: ${what}${detail}. Nothing was changed.`, { cause });
}
