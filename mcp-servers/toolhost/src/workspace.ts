// The workspace boundary: every file a tool opens, lists or writes is resolved here, confined to the real root
// after symlinks, and verified again after opening (TOCTOU guard through /proc/self/fd). See ADR 003.
import { randomBytes } from "node:crypto";
import { constants, existsSync, type Stats } from "node:fs";
import { type FileHandle, lstat, mkdir, open, readlink, realpath, rename, unlink } from "node:fs/promises";
import path from "node:path";
import {
  checkReplaceable,
  describeSpecial,
  errorCode,
  openError,
  resolveError,
  WorkspaceError,
} from "./workspace-error.js";
import { type AccessIntent, checkAgentInternal, isInside, toWorkspaceRelative } from "./workspace-path.js";

const { O_RDONLY, O_WRONLY, O_CREAT, O_EXCL, O_NOFOLLOW, O_NONBLOCK, O_NOCTTY, O_DIRECTORY } = constants;
// O_NONBLOCK: opening a FIFO must never wait for a writer; the fstat right after refuses it anyway.
const READ_FLAGS = O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY;
const DIRECTORY_FLAGS = O_RDONLY | O_DIRECTORY | O_NOFOLLOW;

/** A regular file opened for reading and verified to be inside the workspace. The caller closes `handle`. */
export interface OpenedFile {
  /** Open handle; read through it only, never through the path again. */
  handle: FileHandle;
  /** Path relative to the workspace root, for messages. */
  relativePath: string;
  /** fstat of the opened file. */
  stats: Stats;
}

/** A directory opened and verified to be inside the workspace. The caller closes `handle`. */
export interface OpenedDirectory {
  /** Open handle of the directory. */
  handle: FileHandle;
  /** Path relative to the workspace root ("" for the root). */
  relativePath: string;
  /** A path that names exactly this open directory (/proc/self/fd/N on Linux); join child names to it. */
  viaPath: string;
}

/** What `writeFile` did. */
export interface WriteOutcome {
  /** Path relative to the workspace root of the file written (a symlink's target when the path was one). */
  relativePath: string;
  /** False when an existing file was replaced. */
  created: boolean;
}

/** A workspace root and the only way tools reach files under it. */
export class Workspace {
  private constructor(
    /** The root as given on the command line (absolute). */
    readonly givenRoot: string,
    /** The root with every symlink resolved; all confinement checks compare against it. */
    readonly root: string,
    private readonly hasProcFd: boolean,
  ) {}

  /** Opens the workspace at `root`; throws a WorkspaceError when it is not an existing directory. */
  static async open(root: string): Promise<Workspace> {
    const given = path.resolve(root);
    let real: string;
    try {
      real = await realpath(given);
    } catch (error) {
      throw new WorkspaceError(root, "not-found", `Workspace ${root} does not exist; create it first.`, {
        cause: error,
      });
    }
    if (!(await lstat(real)).isDirectory()) {
      throw new WorkspaceError(root, "not-a-directory", `Workspace ${root} is not a directory.`);
    }
    return new Workspace(given, real, existsSync("/proc/self/fd"));
  }

  /** Normalizes `input` and applies the lexical rules; returns the path relative to the root. */
  relative(input: string, intent: AccessIntent): string {
    const relative = toWorkspaceRelative(input, { given: this.givenRoot, real: this.root });
    checkAgentInternal(relative, intent, input);
    return relative;
  }

  /**
   * Resolves `input` to a real path inside the root (symlinks followed), or throws a WorkspaceError. Every
   * path this returns is inside `root`; it is a check, so callers open through `openFile`/`openDirectory`.
   */
  async resolveExisting(input: string, intent: AccessIntent): Promise<string> {
    const relative = this.relative(input, intent);
    let real: string;
    try {
      real = await realpath(path.join(this.root, relative));
    } catch (error) {
      throw resolveError(input, error);
    }
    return this.confine(input, real, intent);
  }

  /** Opens a regular file for reading. Directories, FIFOs, sockets and devices are refused. */
  async openFile(input: string, intent: AccessIntent): Promise<OpenedFile> {
    const real = await this.resolveExisting(input, intent);
    let handle: FileHandle;
    try {
      handle = await open(real, READ_FLAGS);
    } catch (error) {
      // Sockets (and devices without a driver) cannot be opened at all: say what they are.
      const code = errorCode(error);
      if (code === "ENXIO" || code === "ENODEV" || code === "EOPNOTSUPP") {
        const special = describeSpecial(await lstat(real)) ?? "not a regular file";
        throw new WorkspaceError(input, "special-file", `${input} is ${special}; refused.`, { cause: error });
      }
      throw openError(input, error);
    }
    try {
      const relativePath = await this.verifyOpened(input, handle, intent);
      const stats = await handle.stat();
      if (stats.isDirectory()) {
        throw new WorkspaceError(input, "not-a-file", `${input} is a directory; use list_files to see it.`);
      }
      const special = describeSpecial(stats);
      if (special !== undefined || !stats.isFile()) {
        throw new WorkspaceError(
          input,
          "special-file",
          `${input} is ${special ?? "not a regular file"}; refused.`,
        );
      }
      return { handle, relativePath, stats };
    } catch (error) {
      await handle.close();
      throw error;
    }
  }

  /** Opens a directory for listing. */
  async openDirectory(input: string): Promise<OpenedDirectory> {
    const real = await this.resolveExisting(input, "read");
    let handle: FileHandle;
    try {
      handle = await open(real, DIRECTORY_FLAGS);
    } catch (error) {
      if (errorCode(error) === "ENOTDIR") {
        throw new WorkspaceError(
          input,
          "not-a-directory",
          `${input} is not a directory; use read_file on it.`,
        );
      }
      throw openError(input, error);
    }
    try {
      const relativePath = await this.verifyOpened(input, handle, "read");
      return { handle, relativePath, viaPath: this.viaPath(handle, real) };
    } catch (error) {
      await handle.close();
      throw error;
    }
  }

  /** Opens `name` inside an already verified directory without following a symlink there. */
  async openChildDirectory(parent: OpenedDirectory, name: string): Promise<OpenedDirectory> {
    const relativePath = parent.relativePath === "" ? name : `${parent.relativePath}/${name}`;
    let handle: FileHandle;
    try {
      handle = await open(`${parent.viaPath}/${name}`, DIRECTORY_FLAGS);
    } catch (error) {
      throw openError(relativePath, error);
    }
    const real = path.join(this.root, relativePath);
    return { handle, relativePath, viaPath: this.viaPath(handle, real) };
  }

  /**
   * Writes `data` to `input` atomically (temp file in the verified parent directory, then rename), creating
   * parent directories. A symlink inside the workspace is written through to its target. Refuses
   * directories, special files and files with more than one hard link.
   */
  async writeFile(input: string, data: Uint8Array): Promise<WriteOutcome> {
    const { parent, name } = await this.resolveWriteTarget(input);
    const directory = await this.openDirectoryChain(input, parent, true);
    const relativePath = path.relative(this.root, path.join(parent, name));
    try {
      const target = `${directory.viaPath}/${name}`;
      const existing = await lstat(target).catch((error: unknown) => {
        if (errorCode(error) === "ENOENT") return undefined;
        throw error;
      });
      if (existing !== undefined) checkReplaceable(input, existing);
      const temp = `${directory.viaPath}/.${name.slice(0, 200)}.${randomBytes(6).toString("hex")}.tmp`;
      const file = await open(temp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, 0o666);
      try {
        await file.writeFile(data);
        if (existing !== undefined) await file.chmod(existing.mode & 0o7777);
        await file.close();
        await rename(temp, target);
      } catch (error) {
        await file.close().catch(() => undefined);
        await unlink(temp).catch(() => undefined);
        throw error;
      }
      return { relativePath, created: existing === undefined };
    } finally {
      await directory.handle.close();
    }
  }

  /** Opens (creating as needed) a directory the toolhost itself owns, such as `.agent/logs`. */
  async openInternalDirectory(relative: string): Promise<OpenedDirectory> {
    return this.openDirectoryChain(relative, path.join(this.root, relative), true);
  }

  // Where a write lands: the real parent directory (possibly still to create) and the file name in it.
  private async resolveWriteTarget(input: string): Promise<{ parent: string; name: string }> {
    const relative = this.relative(input, "write");
    if (relative === "") {
      throw new WorkspaceError(input, "not-a-file", `${input} is the workspace root; give a file path.`);
    }
    const absolute = path.join(this.root, relative);
    try {
      const real = this.confine(input, await realpath(absolute), "write");
      return { parent: path.dirname(real), name: path.basename(real) };
    } catch (error) {
      if (errorCode(error) !== "ENOENT") throw resolveError(input, error);
    }
    const leaf = await lstat(absolute).catch(() => undefined);
    if (leaf?.isSymbolicLink()) {
      throw new WorkspaceError(
        input,
        "not-found",
        `${input} is a symlink to a missing target; write to the target path itself.`,
      );
    }
    // Walk up to the nearest existing ancestor; the rest are directories to create.
    const missing = [path.basename(absolute)];
    let ancestor = path.dirname(absolute);
    for (;;) {
      try {
        const real = this.confine(input, await realpath(ancestor), "write");
        const target = path.join(real, ...missing.reverse());
        this.confine(input, target, "write");
        return { parent: path.dirname(target), name: path.basename(target) };
      } catch (error) {
        if (errorCode(error) !== "ENOENT") throw resolveError(input, error);
        missing.push(path.basename(ancestor));
        ancestor = path.dirname(ancestor);
      }
    }
  }

  // Opens `real` (a symlink-free path under the root) one segment at a time from the root, never following a
  // symlink, optionally creating missing directories: an openat walk, so a swapped segment fails instead.
  private async openDirectoryChain(input: string, real: string, create: boolean): Promise<OpenedDirectory> {
    const segments = path
      .relative(this.root, real)
      .split("/")
      .filter((segment) => segment !== "");
    let handle = await open(this.root, DIRECTORY_FLAGS);
    let current = this.root;
    try {
      for (const segment of segments) {
        const next = `${this.viaPath(handle, current)}/${segment}`;
        let child: FileHandle;
        try {
          child = await open(next, DIRECTORY_FLAGS);
        } catch (error) {
          if (!create || errorCode(error) !== "ENOENT") throw openError(input, error);
          await mkdir(next).catch((mkdirError: unknown) => {
            if (errorCode(mkdirError) !== "EEXIST") throw mkdirError;
          });
          child = await open(next, DIRECTORY_FLAGS).catch((reopenError: unknown) => {
            throw openError(input, reopenError);
          });
        }
        await handle.close();
        handle = child;
        current = path.join(current, segment);
      }
      const relativePath = await this.verifyOpened(input, handle, "read");
      return { handle, relativePath, viaPath: this.viaPath(handle, current) };
    } catch (error) {
      await handle.close();
      throw error;
    }
  }

  // After open: ask the kernel which file the descriptor really names, and confine that.
  private async verifyOpened(input: string, handle: FileHandle, intent: AccessIntent): Promise<string> {
    if (!this.hasProcFd) return "";
    const opened = await readlink(`/proc/self/fd/${handle.fd}`);
    if (!isInside(this.root, opened)) {
      throw new WorkspaceError(
        input,
        "symlink-outside",
        `${input} led outside the workspace while it was being opened (a symlink was swapped in); refused.`,
      );
    }
    const relative = path.relative(this.root, opened);
    checkAgentInternal(relative, intent, input);
    return relative;
  }

  private viaPath(handle: FileHandle, real: string): string {
    return this.hasProcFd ? `/proc/self/fd/${handle.fd}` : real;
  }

  private confine(input: string, real: string, intent: AccessIntent): string {
    if (!isInside(this.root, real)) {
      throw new WorkspaceError(
        input,
        "symlink-outside",
        `${input} resolves through a symlink to ${real}, outside the workspace; refused.`,
      );
    }
    checkAgentInternal(path.relative(this.root, real), intent, input);
    return real;
  }
}
