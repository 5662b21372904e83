// A ToolSource over another that scrubs the spill files a result names (`.agent/logs/shell-….log`, the full
// output of a long command) on the agent's side: the toolhost cannot, since no secret may enter the sandbox.
import { constants, promises as fs } from "node:fs";
import { writeFileAtomic } from "../keys/atomic-write.js";
import type { Logger } from "../log/logger.js";
import type { ToolCallOptions, ToolResult, ToolSource, ToolSpec } from "../loop/tools.js";
import { openPinnedDirectory } from "../pinned-directory.js";

/** The spill files the toolhost names in a result (the toolhost's tools/shell.ts writes them there). */
const SPILL_REFERENCE = /\.agent\/logs\/(shell-[\w.-]{1,120}\.log)\b/g;
/** Larger spill files are not rewritten (the toolhost caps them at 64 MiB). */
const MAX_SCRUB_BYTES = 64 * 1024 * 1024;

export interface SpillScrubbingOptions {
  /** The workspace as the agent sees it (the sandbox's /workspace). */
  workspaceRoot: string;
  /** The session's scrubber. */
  scrub: (text: string) => string;
  logger?: Logger;
}

export class SpillScrubbingTools implements ToolSource {
  constructor(
    private readonly inner: ToolSource,
    private readonly options: SpillScrubbingOptions,
  ) {}

  listTools(signal?: AbortSignal): Promise<ToolSpec[]> {
    return this.inner.listTools(signal);
  }

  async callTool(name: string, args: Record<string, unknown>, options: ToolCallOptions): Promise<ToolResult> {
    const result = await this.inner.callTool(name, args, options);
    const files = new Set([...result.text.matchAll(SPILL_REFERENCE)].map((match) => match[1] ?? ""));
    for (const file of files) await this.scrubFile(file);
    return result;
  }

  /**
   * Rewrites `.agent/logs/<file>` with every secret redacted, when it is a plain file of the workspace's own
   * logs directory (not through a symlink the sandbox planted, not a hard link to a file elsewhere). Bytes
   * are kept as they are (latin1 in, latin1 out). Never throws.
   */
  private async scrubFile(file: string): Promise<void> {
    const logger = this.options.logger;
    const logs = await openPinnedDirectory(this.options.workspaceRoot, [".agent", "logs"]);
    if (logs === undefined) return;
    try {
      const target = `${logs.path}/${file}`;
      const handle = await fs.open(target, constants.O_RDONLY | constants.O_NOFOLLOW);
      try {
        const info = await handle.stat();
        if (!info.isFile() || info.nlink !== 1 || info.size > MAX_SCRUB_BYTES) return;
        const text = await handle.readFile("latin1");
        const clean = this.options.scrub(text);
        if (clean === text) return;
        await writeFileAtomic(target, Buffer.from(clean, "latin1"), info.mode & 0o777);
        logger?.info({ file: `.agent/logs/${file}` }, "redacted secrets in a spill file");
      } finally {
        await handle.close();
      }
    } catch (error) {
      logger?.warn({ file, err: String(error) }, "could not scrub a spill file");
    } finally {
      await logs.close();
    }
  }
}
