// The default store: the folders the agent always used, in the same layout (skills/<name>/SKILL.md + skill.ts,
// $DATA_DIR/skill-approvals.json, dynamic-tools/<name>/tool.json + index.ts, .agent/artifacts/<name>).
// A version is a hash of the content; versioned writes check it under a lock file; watch polls.
import { createHash } from "node:crypto";
import { closeSync, constants, existsSync, fstatSync, openSync, readdirSync, readFileSync } from "node:fs";
import { lstat, mkdir, rm } from "node:fs/promises";
import { dirname, join } from "node:path";
import { writeFileAtomic } from "../keys/atomic-write.js";
import { withFileLock } from "../keys/file-lock.js";
import {
  checkItem,
  KIND_FILES,
  MAX_FILE_BYTES,
  type MirroredKind,
  type Store,
  type StoreChange,
  StoreConflictError,
  type StoredItem,
  StoreError,
  type StoreKind,
  type WriteOptions,
} from "./store.js";

export interface LocalStoreOptions {
  /** skills/<name>/ folders (SKILLS_DIR). */
  skillsDir?: string;
  /** The approvals ledger file (`$DATA_DIR/skill-approvals.json`). */
  ledgerPath?: string;
  /** dynamic-tools/<name>/ folders (DYNAMIC_TOOLS_DIR). */
  dynamicToolsDir?: string;
  /** Artifact files (`<workspace>/.agent/artifacts`). */
  artifactsDir?: string;
  /** Period of watch's polling, in ms (default 500). */
  pollMs?: number;
}

/** Hex sha256 of an item's files: the local version token. */
export function contentVersion(files: Record<string, string>): string {
  const hash = createHash("sha256");
  for (const name of Object.keys(files).sort()) hash.update(`${name}\0${files[name]}\0`);
  return hash.digest("hex").slice(0, 16);
}

export class LocalStore implements Store {
  readonly location = "local folders";
  private readonly listeners = new Set<(change: StoreChange) => void>();
  private poller: NodeJS.Timeout | undefined;
  private known = new Map<string, string>();

  constructor(private readonly options: LocalStoreOptions) {}

  where(kind: StoreKind, name: string): string {
    return kind === "approval" ? this.ledgerPath() : join(this.root(kind), name);
  }

  async get(kind: StoreKind, name: string): Promise<StoredItem | undefined> {
    checkItem(kind, name);
    return this.readItem(kind, name);
  }

  async list(kind: StoreKind): Promise<StoredItem[]> {
    return this.readAll(kind);
  }

  readNow(kind: MirroredKind): StoredItem[] {
    return this.readAll(kind);
  }

  readProblem(kind: MirroredKind): string | undefined {
    if (kind !== "approval") return undefined;
    if (this.options.ledgerPath === undefined) return undefined;
    const path = this.options.ledgerPath;
    let text: string;
    try {
      text = readFileSync(path, "utf8");
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
      return `cannot read ${path}: ${(error as Error).message}`;
    }
    try {
      const parsed: unknown = JSON.parse(text);
      if (parsed !== null && typeof parsed === "object" && !Array.isArray(parsed)) return undefined;
      return `${path} is not a valid approvals ledger; approve the skills again`;
    } catch {
      return `${path} is not valid JSON; approve the skills again`;
    }
  }

  async put(
    kind: StoreKind,
    name: string,
    files: Record<string, string>,
    options: WriteOptions = {},
  ): Promise<string> {
    checkItem(kind, name, files);
    return this.locked(kind, async () => {
      this.checkExpected(kind, name, options);
      if (kind === "approval") {
        const entry = parseJson(files["approval.json"] ?? "");
        await this.writeLedger((entries) => {
          entries[name] = entry;
        });
        return contentVersion(files);
      }
      if (kind === "artifact") {
        await mkdir(this.root(kind), { recursive: true });
        await writeFileAtomic(join(this.root(kind), name), files.data ?? "", 0o644);
        return contentVersion(files);
      }
      const dir = join(this.root(kind), name);
      await mkdir(this.root(kind), { recursive: true });
      await refuseSymlink(dir);
      await mkdir(dir, { recursive: true });
      for (const file of KIND_FILES[kind]) {
        const text = files[file];
        if (text === undefined) await rm(join(dir, file), { force: true });
        else await writeFileAtomic(join(dir, file), text, 0o644);
      }
      return contentVersion(files);
    });
  }

  async delete(kind: StoreKind, name: string, options: WriteOptions = {}): Promise<boolean> {
    checkItem(kind, name);
    return this.locked(kind, async () => {
      const found = this.checkExpected(kind, name, options);
      if (!found) return false;
      if (kind === "approval") {
        await this.writeLedger((entries) => {
          delete entries[name];
        });
      } else {
        const target = join(this.root(kind), name);
        if (kind !== "artifact") await refuseSymlink(target);
        await rm(target, { recursive: true, force: true });
      }
      return true;
    });
  }

  watch(listener: (change: StoreChange) => void): () => void {
    this.listeners.add(listener);
    if (!this.poller) {
      this.known = this.versions();
      this.poller = setInterval(() => this.poll(), this.options.pollMs ?? 500);
      this.poller.unref();
    }
    return () => {
      this.listeners.delete(listener);
      if (this.listeners.size === 0) this.stopPolling();
    };
  }

  async close(): Promise<void> {
    this.listeners.clear();
    this.stopPolling();
  }

  private root(kind: StoreKind): string {
    const root =
      kind === "skill"
        ? this.options.skillsDir
        : kind === "tool"
          ? this.options.dynamicToolsDir
          : kind === "artifact"
            ? this.options.artifactsDir
            : this.options.ledgerPath && dirname(this.options.ledgerPath);
    if (root === undefined) throw new StoreError(`This local store has no folder for ${kind}s.`);
    return root;
  }

  private hasRoot(kind: StoreKind): boolean {
    const { skillsDir, ledgerPath, dynamicToolsDir, artifactsDir } = this.options;
    return (
      { skill: skillsDir, approval: ledgerPath, tool: dynamicToolsDir, artifact: artifactsDir }[kind] !==
      undefined
    );
  }

  private ledgerPath(): string {
    if (this.options.ledgerPath === undefined)
      throw new StoreError("This local store has no approvals ledger.");
    return this.options.ledgerPath;
  }

  private readAll(kind: StoreKind): StoredItem[] {
    if (!this.hasRoot(kind)) return [];
    if (kind === "approval") {
      return Object.entries(this.readLedger())
        .sort(([a], [b]) => (a < b ? -1 : 1))
        .flatMap(([name, entry]) => (validName(kind, name) ? [approvalItem(name, entry)] : []));
    }
    let names: string[];
    try {
      names = readdirSync(this.root(kind), { withFileTypes: true })
        .filter((d) => (kind === "artifact" ? d.isFile() : d.isDirectory()))
        .map((d) => d.name)
        .filter((name) => !name.startsWith(".") && validName(kind, name));
    } catch {
      return [];
    }
    return names.sort().flatMap((name) => this.readItem(kind, name) ?? []);
  }

  private readItem(kind: StoreKind, name: string): StoredItem | undefined {
    if (!this.hasRoot(kind)) return undefined;
    if (kind === "approval") {
      const entry = this.readLedger()[name];
      return entry === undefined ? undefined : approvalItem(name, entry);
    }
    const files: Record<string, string> = {};
    if (kind === "artifact") {
      const data = readSmall(join(this.root(kind), name), MAX_FILE_BYTES.artifact);
      if (data === undefined) return undefined;
      files.data = data;
    } else {
      // The folder is opened once without following a symlink and its files are read through that handle
      // (/proc/self/fd on Linux), so a folder swapped for a symlink meanwhile cannot point the read elsewhere.
      let folder: number;
      try {
        folder = openSync(
          join(this.root(kind), name),
          constants.O_RDONLY | constants.O_DIRECTORY | constants.O_NOFOLLOW,
        );
      } catch {
        return undefined;
      }
      try {
        const base = PROC_FD ? `/proc/self/fd/${folder}` : join(this.root(kind), name);
        for (const file of KIND_FILES[kind]) {
          const text = readSmall(join(base, file), MAX_FILE_BYTES[kind]);
          if (text !== undefined) files[file] = text;
        }
      } finally {
        closeSync(folder);
      }
      // A skill exists once its SKILL.md does; a tool once either file does.
      if (kind === "skill" ? files["SKILL.md"] === undefined : Object.keys(files).length === 0) {
        return undefined;
      }
    }
    return { kind, name, version: contentVersion(files), files };
  }

  /** The ledger as a plain object: missing, unreadable or not an object is empty (the ledger class says why). */
  private readLedger(): Record<string, unknown> {
    if (this.options.ledgerPath === undefined) return {};
    try {
      const parsed: unknown = JSON.parse(readFileSync(this.options.ledgerPath, "utf8"));
      return parsed !== null && typeof parsed === "object" && !Array.isArray(parsed)
        ? (parsed as Record<string, unknown>)
        : {};
    } catch {
      return {};
    }
  }

  private async writeLedger(change: (entries: Record<string, unknown>) => void): Promise<void> {
    const entries = this.readLedger();
    change(entries);
    const sorted = Object.fromEntries(Object.entries(entries).sort(([a], [b]) => (a < b ? -1 : 1)));
    const path = this.ledgerPath();
    await mkdir(dirname(path), { recursive: true, mode: 0o700 });
    await writeFileAtomic(path, `${JSON.stringify(sorted, null, 2)}\n`, 0o600);
  }

  /** Throws StoreConflictError when `expected` is given and wrong; returns whether the item exists. */
  private checkExpected(kind: StoreKind, name: string, options: WriteOptions): boolean {
    const current = this.readItem(kind, name);
    if (options.expected === undefined) return current !== undefined;
    const actual = current?.version ?? null;
    if (actual !== options.expected) throw new StoreConflictError(kind, name, options.expected, actual);
    return current !== undefined;
  }

  private async locked<T>(kind: StoreKind, task: () => Promise<T>): Promise<T> {
    const lock = kind === "approval" ? `${this.ledgerPath()}.lock` : join(this.root(kind), ".store.lock");
    await mkdir(dirname(lock), { recursive: true, mode: kind === "approval" ? 0o700 : 0o755 });
    return withFileLock(lock, task);
  }

  private versions(): Map<string, string> {
    const versions = new Map<string, string>();
    for (const kind of ["skill", "approval", "tool"] as const) {
      if (!this.hasRoot(kind)) continue;
      for (const item of this.readAll(kind)) versions.set(`${kind}\0${item.name}`, item.version);
    }
    return versions;
  }

  private poll(): void {
    const now = this.versions();
    const changes: StoreChange[] = [];
    for (const [key, version] of now) {
      if (this.known.get(key) !== version) changes.push(change(key, version));
    }
    for (const key of this.known.keys()) if (!now.has(key)) changes.push(change(key, null));
    this.known = now;
    for (const item of changes) for (const listener of this.listeners) listener(item);
  }

  private stopPolling(): void {
    clearInterval(this.poller);
    this.poller = undefined;
  }
}

/** Whether files can be read through a directory handle (Linux). */
const PROC_FD = existsSync("/proc/self/fd");

function change(key: string, version: string | null): StoreChange {
  const [kind, name] = key.split("\0") as [StoreKind, string];
  return { kind, name, version };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new StoreError("An approval's approval.json must be JSON.");
  }
}

function validName(kind: StoreKind, name: string): boolean {
  try {
    checkItem(kind, name);
    return true;
  } catch {
    return false;
  }
}

function approvalItem(name: string, entry: unknown): StoredItem {
  const files = { "approval.json": JSON.stringify(entry) };
  return { kind: "approval", name, version: contentVersion(files), files };
}

/** A regular file's text, or undefined (missing, a symlink, not a file, too big). Never follows a symlink. */
function readSmall(file: string, maxBytes: number): string | undefined {
  let fd: number;
  try {
    fd = openSync(file, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch {
    return undefined;
  }
  try {
    const stats = fstatSync(fd);
    if (!stats.isFile() || stats.size > maxBytes) return undefined;
    return readFileSync(fd, "utf8");
  } catch {
    return undefined;
  } finally {
    closeSync(fd);
  }
}

/** An item folder that is a symlink would point a write elsewhere: refuse it. */
async function refuseSymlink(dir: string): Promise<void> {
  try {
    if ((await lstat(dir)).isSymbolicLink()) {
      throw new StoreError(`${dir} is a symlink; remove it before writing there.`);
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
  }
}
