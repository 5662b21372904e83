// Checkpoints of the workspace, one per turn, in a shadow git repository under DATA_DIR (its own git dir, the
// workspace as work tree): the user's own git is never touched. What changed since one, and putting it back.
import { createHash } from "node:crypto";
import {
  appendFileSync,
  copyFileSync,
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { basename, isAbsolute, join, relative } from "node:path";
import { ShadowGit, ShadowGitError } from "./shadow-git.js";

/** Folders never snapshotted: dependencies and caches that are rebuilt, and the agent's own shell logs. */
export const EXCLUDED_FOLDERS = ["node_modules/", ".venv/", "venv/", "__pycache__/", ".agent/"];
/** Files larger than this are not snapshotted (said in the preview). */
export const MAX_FILE_BYTES = 5 * 1024 * 1024;
/** A workspace with more files than this (outside .gitignore) gets no checkpoints: each would cost too much. */
export const MAX_FILES = 20_000;
const TIMEOUT_MS = 30_000;

/** How the workspace differs now from a checkpoint, as restoring it would undo. */
export interface FileChanges {
  /** Files that exist now and not at the checkpoint: restoring deletes them. */
  added: string[];
  /** Files whose content differs: restoring puts the checkpoint's back. */
  changed: string[];
  /** Files that existed at the checkpoint and are gone: restoring recreates them. */
  deleted: string[];
}

export type CheckpointState = { on: true } | { on: false; reason: string };

export interface CheckpointStoreOptions {
  /** DATA_DIR: the store lives in its checkpoints/ folder. */
  dataDir: string;
  /** The workspace the checkpoints snapshot (the shadow repository's work tree). */
  workspace: string;
  /** The session: its own index and exclude file, and its refs. */
  sessionId: string;
}

export class CheckpointStore {
  private current: CheckpointState = { on: true };
  private initialised = false;
  private lastCommit: string | undefined;
  private lastTree: string | undefined;
  /** Paths left out because they are too big, and nested repositories, found so far. */
  private readonly bigFiles = new Set<string>();
  private readonly nestedRepos = new Set<string>();
  private readonly excludeFile: string;
  /** Serialises git work: a snapshot and a preview must not stage into the index at once. */
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(
    private readonly git: ShadowGit,
    private readonly options: CheckpointStoreOptions & { gitDir: string },
  ) {
    this.excludeFile = join(options.gitDir, `exclude-${options.sessionId}`);
  }

  /** The store for a workspace: `$DATA_DIR/checkpoints/<name>-<hash>.git`, shared by its sessions. */
  static forWorkspace(options: CheckpointStoreOptions): CheckpointStore {
    const hash = createHash("sha256").update(options.workspace).digest("hex").slice(0, 12);
    const name = basename(options.workspace).replace(/[^\w.-]/g, "_") || "root";
    const gitDir = join(options.dataDir, "checkpoints", `${name}-${hash}.git`);
    const git = new ShadowGit({
      gitDir,
      workTree: options.workspace,
      indexFile: indexFile(gitDir, options.sessionId),
      timeoutMs: TIMEOUT_MS,
      config: { "core.excludesFile": join(gitDir, `exclude-${options.sessionId}`) },
    });
    return new CheckpointStore(git, { ...options, gitDir });
  }

  /** On, or off with the reason (git missing, workspace too big, a git failure). */
  get state(): CheckpointState {
    return this.current;
  }

  /** The shadow repository's git dir. */
  get gitDir(): string {
    return this.options.gitDir;
  }

  /** What checkpoints leave out, for the preview. */
  notTracked(): string {
    const parts = [
      `files in .gitignore`,
      EXCLUDED_FOLDERS.join(", "),
      `files over ${MAX_FILE_BYTES >> 20} MB`,
    ];
    if (this.bigFiles.size) parts[2] += ` (${[...this.bigFiles].slice(0, 5).join(", ")})`;
    parts.push(
      this.nestedRepos.size
        ? `nested git repositories (${[...this.nestedRepos].slice(0, 5).join(", ")})`
        : "nested git repositories",
    );
    return parts.join("; ");
  }

  /**
   * Snapshots the workspace and returns the checkpoint's commit; undefined when checkpoints are off (then
   * `state` says why). Never throws: a failure turns checkpoints off for the session.
   */
  snapshot(label: string): Promise<string | undefined> {
    return this.serial(async () => {
      if (!this.current.on) return undefined;
      try {
        const tree = await this.stage();
        if (tree === this.lastTree && this.lastCommit) return this.lastCommit;
        const commit = await this.commit(tree, label);
        this.lastTree = tree;
        this.lastCommit = commit;
        return commit;
      } catch (error) {
        this.current = { on: false, reason: reasonOf(error) };
        return undefined;
      }
    });
  }

  /** How the workspace now differs from `commit`. Throws ShadowGitError when git fails. */
  changesSince(commit: string): Promise<FileChanges> {
    return this.serial(async () => {
      await this.stage();
      return this.diff(["diff", "--cached", "--name-status", "--no-renames", "-z", commit]);
    });
  }

  /** What changed from checkpoint `from` to checkpoint `to`. */
  changesBetween(from: string, to: string): Promise<FileChanges> {
    return this.serial(() => this.diff(["diff-tree", "-r", "--name-status", "--no-renames", "-z", from, to]));
  }

  /**
   * Puts the workspace back as it was at `commit` (what changesSince listed), keeping the files it replaces
   * as a commit of their own (returned), so a restore can itself be undone by hand. Throws ShadowGitError.
   */
  restore(commit: string): Promise<{ changes: FileChanges; replaced: string }> {
    return this.serial(async () => {
      const tree = await this.stage();
      const changes = await this.diff(["diff", "--cached", "--name-status", "--no-renames", "-z", commit]);
      const replaced = await this.commit(tree, "before restore", `replaced-${Date.now()}`);
      await this.git.run(["read-tree", "--reset", "-u", commit]);
      this.lastCommit = commit;
      this.lastTree = await this.git.text(["rev-parse", `${commit}^{tree}`]);
      return { changes, replaced };
    });
  }

  /** Stages the workspace into this session's index and returns its tree. */
  private async stage(): Promise<string> {
    await this.init();
    const candidates = await this.git.list(["ls-files", "-z", "-o", "-m", "--exclude-standard"]);
    if (!this.lastTree && candidates.length > MAX_FILES) {
      throw new ShadowGitError(
        `the workspace has more than ${MAX_FILES} files outside .gitignore (add a .gitignore, or set CHECKPOINTS=false)`,
        "failed",
      );
    }
    const excludes: string[] = [];
    const untrack: string[] = [];
    for (const path of candidates) {
      if (path.endsWith("/")) {
        // ls-files shows a nested repository as its folder: git would add it as a bare link, not its files.
        this.nestedRepos.add(path);
        excludes.push(`/${escapePattern(path)}`);
        continue;
      }
      const size = sizeOf(join(this.options.workspace, path));
      if (size !== undefined && size > MAX_FILE_BYTES) {
        this.bigFiles.add(path);
        excludes.push(`/${escapePattern(path)}`);
        untrack.push(path);
      }
    }
    if (excludes.length) appendFileSync(this.excludeFile, `${excludes.join("\n")}\n`);
    for (let i = 0; i < untrack.length; i += 200)
      await this.git.run(["rm", "--cached", "-q", "--ignore-unmatch", "--", ...untrack.slice(i, i + 200)]);
    try {
      await this.git.run(["add", "-A", "--ignore-errors"]);
    } catch (error) {
      // An unreadable file: the others are staged (--ignore-errors); a checkpoint without it beats none.
      if (!ShadowGitError.isInstance(error) || error.kind !== "failed") throw error;
    }
    return this.git.text(["write-tree"]);
  }

  private async commit(tree: string, label: string, ref?: string): Promise<string> {
    const parent = this.lastCommit ? ["-p", this.lastCommit] : [];
    const commit = await this.git.text(["commit-tree", tree, ...parent, "-m", label]);
    // A ref per session keeps the checkpoints from any garbage collection.
    const name = ref ?? "latest";
    await this.git.run(["update-ref", `refs/checkpoints/${this.options.sessionId}/${name}`, commit]);
    return commit;
  }

  private async diff(args: string[]): Promise<FileChanges> {
    const entries = await this.git.list(args);
    const changes: FileChanges = { added: [], changed: [], deleted: [] };
    for (let i = 0; i + 1 < entries.length; i += 2) {
      const status = entries[i] ?? "";
      const path = entries[i + 1] ?? "";
      if (status.startsWith("A")) changes.added.push(path);
      else if (status.startsWith("D")) {
        // Gone from the index but on disk: a file that grew past the size limit. Restoring overwrites it.
        if (args[0] === "diff" && existsSync(join(this.options.workspace, path))) changes.changed.push(path);
        else changes.deleted.push(path);
      } else changes.changed.push(path);
    }
    return changes;
  }

  private async init(): Promise<void> {
    if (this.initialised) return;
    const { gitDir, workspace, dataDir } = this.options;
    if (!existsSync(workspace))
      throw new ShadowGitError(`the workspace ${workspace} does not exist`, "failed");
    mkdirSync(join(dataDir, "checkpoints"), { recursive: true, mode: 0o700 });
    if (!existsSync(join(gitDir, "HEAD"))) {
      await this.git.run(["init", "-q"]);
      await this.git.run(["config", "gc.auto", "0"]);
    }
    seedIndex(gitDir, this.options.sessionId);
    const inside = relative(workspace, dataDir);
    const dataInWorkspace = inside !== "" && !inside.startsWith("..") && !isAbsolute(inside);
    const excludes = [...EXCLUDED_FOLDERS, ...(dataInWorkspace ? [`/${escapePattern(inside)}/`] : [])];
    writeFileSync(this.excludeFile, `${excludes.join("\n")}\n`);
    this.initialised = true;
  }

  private serial<T>(work: () => Promise<T>): Promise<T> {
    const next = this.queue.then(work, work);
    this.queue = next.catch(() => undefined);
    return next;
  }
}

function indexFile(gitDir: string, sessionId: string): string {
  return join(gitDir, `index-${sessionId}`);
}

/**
 * A new session starts from the newest index another session left: git then re-reads only files whose size or
 * time changed, instead of hashing the whole workspace again (every `agent -p` is a new session).
 */
function seedIndex(gitDir: string, sessionId: string): void {
  const own = indexFile(gitDir, sessionId);
  if (existsSync(own)) return;
  try {
    const newest = readdirSync(gitDir)
      .filter((name) => name.startsWith("index-"))
      .map((name) => ({ path: join(gitDir, name), mtime: statSync(join(gitDir, name)).mtimeMs }))
      .sort((a, b) => b.mtime - a.mtime)[0];
    if (newest) copyFileSync(newest.path, own);
  } catch {
    // no index to start from: the first snapshot hashes the workspace
  }
}

/** The empty change set. */
export function noChanges(changes: FileChanges): boolean {
  return changes.added.length + changes.changed.length + changes.deleted.length === 0;
}

function sizeOf(path: string): number | undefined {
  try {
    const stat = lstatSync(path);
    return stat.isFile() ? stat.size : undefined;
  } catch {
    return undefined;
  }
}

/** A path as a literal gitignore pattern. */
function escapePattern(path: string): string {
  return path
    .replace(/[\\*?[\]]/g, "\\$&")
    .replace(/^([#!])/, "\\$1")
    .replace(/ +$/, (s) => "\\ ".repeat(s.length));
}

function reasonOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
