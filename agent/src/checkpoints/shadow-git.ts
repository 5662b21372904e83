// Runs git on the shadow repository: its git dir under DATA_DIR, the workspace as its work tree, an index of
// its own per session, and an environment built from scratch (no user config, hooks or GIT_* of ours leak in).

import { spawn } from "node:child_process";
import { namedError } from "@ts-coding-agent/mcp-kit/named-error";

export interface ShadowGitOptions {
  /** The shadow repository (a git dir outside the workspace). */
  gitDir: string;
  /** The workspace. */
  workTree: string;
  /** The index file this session stages into (sessions on one workspace never share one). */
  indexFile: string;
  /** Longest any one git command may run. */
  timeoutMs: number;
  /** `-c key=value` settings for every command (the session's exclude file). */
  config?: Record<string, string>;
}

/** A git command failed, could not start, or ran out of time; the message says which and why. */
export class ShadowGitError extends namedError("ShadowGitError") {
  constructor(
    message: string,
    /** "missing": git is not installed; "timeout": over the time limit; "failed": it exited non-zero. */
    readonly kind: "missing" | "timeout" | "failed",
  ) {
    super(message);
  }
}

/** Most bytes read from one command's output (a listing of the workspace's files). */
const MAX_OUTPUT_BYTES = 64 * 1024 * 1024;

export class ShadowGit {
  constructor(readonly options: ShadowGitOptions) {}

  /** Runs `git <args>` and returns its stdout; throws ShadowGitError on failure. */
  run(args: readonly string[]): Promise<Buffer> {
    const { gitDir, workTree, indexFile, timeoutMs } = this.options;
    const env: Record<string, string> = {
      PATH: process.env.PATH ?? "/usr/bin:/bin",
      LANG: "C",
      GIT_DIR: gitDir,
      GIT_WORK_TREE: workTree,
      GIT_INDEX_FILE: indexFile,
      GIT_CONFIG_NOSYSTEM: "1",
      GIT_CONFIG_GLOBAL: "/dev/null",
      GIT_AUTHOR_NAME: "ts-coding-agent",
      GIT_AUTHOR_EMAIL: "checkpoints@ts-coding-agent.invalid",
      GIT_COMMITTER_NAME: "ts-coding-agent",
      GIT_COMMITTER_EMAIL: "checkpoints@ts-coding-agent.invalid",
      GIT_TERMINAL_PROMPT: "0",
    };
    // safe.directory: the workspace may belong to another user (the sandbox's, in Compose); this is our repo.
    const settings = { "safe.directory": "*", "core.quotepath": "false", ...this.options.config };
    const fullArgs = [
      ...Object.entries(settings).flatMap(([key, value]) => ["-c", `${key}=${value}`]),
      ...args,
    ];
    return new Promise((resolve, reject) => {
      const child = spawn("git", fullArgs, { cwd: workTree, env, stdio: ["ignore", "pipe", "pipe"] });
      const out: Buffer[] = [];
      let outBytes = 0;
      let err = "";
      const timer = setTimeout(() => {
        child.kill("SIGKILL");
        reject(new ShadowGitError(`git ${args[0]} took longer than ${timeoutMs / 1000} s`, "timeout"));
      }, timeoutMs);
      child.stdout.on("data", (chunk: Buffer) => {
        outBytes += chunk.length;
        if (outBytes <= MAX_OUTPUT_BYTES) out.push(chunk);
      });
      child.stderr.on("data", (chunk: Buffer) => {
        if (err.length < 4_096) err += chunk.toString();
      });
      child.on("error", (error: NodeJS.ErrnoException) => {
        clearTimeout(timer);
        reject(
          error.code === "ENOENT"
            ? new ShadowGitError("git is not installed", "missing")
            : new ShadowGitError(`git could not start: ${error.message}`, "failed"),
        );
      });
      child.on("close", (code) => {
        clearTimeout(timer);
        if (code === 0) resolve(Buffer.concat(out));
        else {
          const reason = err.trim().split("\n").at(-1) || `exit code ${code}`;
          reject(new ShadowGitError(`git ${args[0]} failed: ${reason}`, "failed"));
        }
      });
    });
  }

  /** `run` with the output as text, trimmed. */
  async text(args: readonly string[]): Promise<string> {
    return (await this.run(args)).toString("utf8").trim();
  }

  /** NUL-separated output (`-z`) as a list. */
  async list(args: readonly string[]): Promise<string[]> {
    return (await this.run(args))
      .toString("utf8")
      .split("\0")
      .filter((entry) => entry !== "");
  }
}
