// Keeps the sandbox from planting host code execution in the workspace's git repository: after every tool
// call it compares .git/config's program-running keys and .git/hooks with what they were when the session
// began, and undoes every addition or change (restored keys, hooks renamed to `<name>.disabled-by-agent`).
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { constants, promises as fs } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { writeFileAtomic } from "../keys/atomic-write.js";
import { openPinnedDirectory } from "../pinned-directory.js";
import { runsProgram } from "./dangerous-git-keys.js";

const run = promisify(execFile);
const GIT_TIMEOUT_MS = 10_000;

/** Program-running entries of a config file: key (lower case) → its values in order. */
type DangerousEntries = Map<string, string[]>;

/** What the repository looked like when the session began. */
interface Baseline {
  /** `.git` as it was: a directory (by inode), a gitdir file or symlink (by content), or absent. */
  gitEntry: string;
  dangerous: DangerousEntries;
  /** Config text, restored whole when git cannot edit it. */
  configText: string | undefined;
  /** Hook name → sha256 of the file (or of a symlink's target path). */
  hooks: Map<string, string>;
}

export class GitGuard {
  private lastConfig: string | undefined;
  /** The replaced `.git` already reported, so it is said once. */
  private reportedEntry: string | undefined;
  private checking: Promise<string[]> = Promise.resolve([]);

  private constructor(
    private readonly workspaceRoot: string,
    private readonly baseline: Baseline,
    /** The git to parse configuration with; undefined when there is none here (nor anything to protect). */
    private readonly git: string | undefined,
  ) {
    this.lastConfig = baseline.configText;
  }

  /** Records the workspace's repository as it is now (no repository is a state too). Never throws. */
  static async snapshot(workspaceRoot: string, gitCommand = "git"): Promise<GitGuard> {
    const tmp = tmpdir();
    const git = await runGit(gitCommand, tmp, ["--version"]).then(
      () => gitCommand,
      () => undefined,
    );
    const gitEntry = await describeGitEntry(path.join(workspaceRoot, ".git"));
    const configText = await withPinned(workspaceRoot, [".git"], (dir) => readPlainFile(`${dir}/config`));
    const baseline: Baseline = {
      gitEntry,
      dangerous:
        configText === undefined || git === undefined
          ? new Map()
          : await dangerousEntries(git, configText).catch(() => new Map()),
      configText,
      hooks: (await withPinned(workspaceRoot, [".git", "hooks"], hookDigests)) ?? new Map(),
    };
    return new GitGuard(workspaceRoot, baseline, git);
  }

  /**
   * Compares with the baseline and undoes what could run code on the host. Returns one line per change undone
   * (or that could not be undone, saying what to do); [] when nothing changed. Calls run one at a time.
   */
  check(): Promise<string[]> {
    const next = this.checking.then(
      () => this.compare(),
      () => this.compare(),
    );
    this.checking = next.catch(() => []);
    return next;
  }

  private async compare(): Promise<string[]> {
    const gitDir = path.join(this.workspaceRoot, ".git");
    const findings: string[] = [];
    const entry = await describeGitEntry(gitDir);
    const replaced = entry !== this.baseline.gitEntry && !entry.startsWith("dir:") && entry !== "absent";
    if (replaced && entry !== this.reportedEntry) {
      this.reportedEntry = entry;
      findings.push(
        `.git was replaced by a ${entry.split(":")[0]} (it may point git at a repository the sandbox wrote); inspect it before running git in ${this.workspaceRoot}.`,
      );
    }
    if (entry.startsWith("dir:")) {
      const root = this.workspaceRoot;
      const git = this.git;
      // Without git on this machine nothing here would run the configuration: hooks are still disabled.
      if (git !== undefined) {
        findings.push(...((await withPinned(root, [".git"], (dir) => this.checkConfig(dir, git))) ?? []));
      }
      findings.push(...((await withPinned(root, [".git", "hooks"], (dir) => this.checkHooks(dir))) ?? []));
    }
    return findings;
  }

  /** `gitDir`: the pinned .git directory. */
  private async checkConfig(gitDir: string, git: string): Promise<string[]> {
    const file = `${gitDir}/config`;
    const info = await fs.lstat(file).catch(() => undefined);
    if (info?.isSymbolicLink()) {
      await fs.rm(file, { force: true });
      if (this.baseline.configText !== undefined)
        await writeFileAtomic(file, this.baseline.configText, 0o644);
      return [".git/config had been replaced by a symlink; it was restored."];
    }
    const text = await readPlainFile(file);
    if (text === undefined || text === this.lastConfig) return [];
    const now = await dangerousEntries(git, text).catch(() => undefined);
    const changed =
      now === undefined ? ["(a config git cannot read)"] : changedKeys(this.baseline.dangerous, now);
    if (changed.length === 0) {
      this.lastConfig = text;
      return [];
    }
    const repaired =
      now === undefined ? undefined : await this.withoutChanges(git, text, changed).catch(() => undefined);
    // Written next to it and renamed over it: never through a symlink swapped in meanwhile.
    await writeFileAtomic(file, repaired ?? this.baseline.configText ?? "", info ? info.mode & 0o777 : 0o644);
    this.lastConfig = await readPlainFile(file);
    return [
      `.git/config: undid ${changed.join(", ")} (git would run it as a program on the host at the next git command).`,
    ];
  }

  /** `text` with the changed keys set back to their baseline values, edited by git in a private copy. */
  private async withoutChanges(git: string, text: string, keys: readonly string[]): Promise<string> {
    const dir = await fs.mkdtemp(path.join(tmpdir(), "git-guard-"));
    try {
      const copy = path.join(dir, "config");
      await fs.writeFile(copy, text, { mode: 0o600 });
      for (const key of keys) {
        await runGit(git, dir, ["config", "--file", copy, "--unset-all", key]).catch(() => undefined);
        for (const value of this.baseline.dangerous.get(key) ?? []) {
          await runGit(git, dir, ["config", "--file", copy, "--add", key, value]);
        }
      }
      return await fs.readFile(copy, "utf8");
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  }

  /** `dir`: the pinned .git/hooks directory. */
  private async checkHooks(dir: string): Promise<string[]> {
    const now = await hookDigests(dir);
    const findings: string[] = [];
    for (const [name, digest] of now) {
      if (this.baseline.hooks.get(name) === digest) continue;
      try {
        await fs.rename(`${dir}/${name}`, `${dir}/${name}.disabled-by-agent`);
        findings.push(
          `.git/hooks/${name}: a new or changed hook was disabled (renamed to ${name}.disabled-by-agent).`,
        );
      } catch (error) {
        findings.push(
          `.git/hooks/${name}: a new or changed hook could not be disabled (${(error as Error).message}); remove it before running git.`,
        );
      }
    }
    return findings;
  }
}

/** Keys whose program-running values differ between the baseline and now (added, changed or extra values). */
function changedKeys(before: DangerousEntries, after: DangerousEntries): string[] {
  const keys: string[] = [];
  for (const [key, values] of after) {
    if ((before.get(key) ?? []).join("\0") !== values.join("\0")) keys.push(key);
  }
  return keys.sort();
}

/** The program-running entries of config `text`, parsed by git itself (quoting, continuation lines). */
async function dangerousEntries(git: string, text: string): Promise<DangerousEntries> {
  const dir = await fs.mkdtemp(path.join(tmpdir(), "git-guard-"));
  try {
    const copy = path.join(dir, "config");
    await fs.writeFile(copy, text, { mode: 0o600 });
    const stdout = await runGit(git, dir, ["config", "--file", copy, "--list", "--null"]);
    const entries: DangerousEntries = new Map();
    for (const item of stdout.split("\0")) {
      if (item === "") continue;
      const newline = item.indexOf("\n");
      const key = (newline === -1 ? item : item.slice(0, newline)).toLowerCase();
      const value = newline === -1 ? "" : item.slice(newline + 1);
      if (runsProgram(key, value)) entries.set(key, [...(entries.get(key) ?? []), value]);
    }
    return entries;
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}

/** Runs host git on a private copy only, in `dir`, with no system or user configuration. */
async function runGit(git: string, dir: string, args: string[]): Promise<string> {
  const { stdout } = await run(git, args, {
    cwd: dir,
    timeout: GIT_TIMEOUT_MS,
    maxBuffer: 16 * 1024 * 1024,
    env: { PATH: process.env.PATH ?? "/usr/bin:/bin", GIT_CONFIG_NOSYSTEM: "1", HOME: dir },
  });
  return stdout;
}

/** Runs `action` on the pinned directory `root/segments` (openPinnedDirectory); undefined when it is not one. */
async function withPinned<T>(
  root: string,
  segments: readonly string[],
  action: (dir: string) => Promise<T>,
): Promise<T | undefined> {
  const pinned = await openPinnedDirectory(root, segments);
  if (pinned === undefined) return undefined;
  try {
    return await action(pinned.path);
  } finally {
    await pinned.close();
  }
}

/** `.git` as a comparable string: `dir:<inode>`, `file:<sha256>`, `symlink:<target>` or `absent`. */
async function describeGitEntry(gitDir: string): Promise<string> {
  const info = await fs.lstat(gitDir).catch(() => undefined);
  if (info === undefined) return "absent";
  if (info.isDirectory()) return `dir:${info.ino}`;
  if (info.isSymbolicLink()) return `symlink:${await fs.readlink(gitDir).catch(() => "")}`;
  return `file:${digest((await readPlainFile(gitDir)) ?? "")}`;
}

/** Hooks git would run: every entry but `*.sample` and those this guard disabled, by content. */
async function hookDigests(dir: string): Promise<Map<string, string>> {
  const hooks = new Map<string, string>();
  const names = await fs.readdir(dir).catch(() => [] as string[]);
  for (const name of names) {
    if (name.endsWith(".sample") || name.endsWith(".disabled-by-agent")) continue;
    const file = `${dir}/${name}`;
    const info = await fs.lstat(file).catch(() => undefined);
    if (info === undefined || info.isDirectory()) continue;
    const content = info.isSymbolicLink()
      ? `symlink:${await fs.readlink(file).catch(() => "")}`
      : ((await readPlainFile(file)) ?? "");
    hooks.set(name, digest(content));
  }
  return hooks;
}

/** A regular file's text, without following a symlink; undefined when it is absent or not a plain file. */
async function readPlainFile(file: string): Promise<string | undefined> {
  try {
    const handle = await fs.open(file, constants.O_RDONLY | constants.O_NOFOLLOW);
    try {
      return (await handle.stat()).isFile() ? await handle.readFile("utf8") : undefined;
    } finally {
      await handle.close();
    }
  } catch {
    return undefined;
  }
}

function digest(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}
