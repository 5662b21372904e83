// The tools a skill sees in a dry run: reads pass through, write_file and edit_file change an in-memory overlay
// (later reads see it), and everything else is refused, so a dry run can show its diff and write nothing.
import { posix } from "node:path";
import { unifiedDiff } from "@ts-coding-agent/toolhost";
import type { ToolCallOptions, ToolResult, ToolSource, ToolSpec } from "../loop/tools.js";

/** Tools that only read and so run for real in a dry run. */
const READ_ONLY = new Set(["read_file", "list_files"]);

/** A change a dry run would have made. */
export interface PlannedChange {
  /** Workspace-relative path. */
  path: string;
  /** Content before (undefined: the file does not exist). */
  before: string | undefined;
  /** Content after. */
  after: string;
}

export class DryRunTools implements ToolSource {
  private readonly overlay = new Map<string, PlannedChange>();

  constructor(private readonly inner: ToolSource) {}

  /** The changes, in the order first made. */
  get changes(): PlannedChange[] {
    return [...this.overlay.values()].filter((change) => change.before !== change.after);
  }

  /** A unified diff of every planned change ("" when none). */
  diff(): string {
    return this.changes.map((c) => unifiedDiff(c.path, c.before ?? "", c.after, 200)).join("\n");
  }

  listTools(signal?: AbortSignal): Promise<ToolSpec[]> {
    return this.inner.listTools(signal);
  }

  async callTool(name: string, args: Record<string, unknown>, options: ToolCallOptions): Promise<ToolResult> {
    const path = typeof args.path === "string" ? normalise(args.path) : undefined;
    if (name === "read_file" && path !== undefined && this.overlay.has(path)) {
      return { text: this.overlay.get(path)?.after ?? "", isError: false };
    }
    if (READ_ONLY.has(name)) return this.inner.callTool(name, args, options);
    if (name === "write_file" && path !== undefined && typeof args.content === "string") {
      const before = await this.current(path, options);
      this.record(path, before, args.content);
      return {
        text: `Dry run: would write ${path} (${Buffer.byteLength(args.content)} bytes).`,
        isError: false,
      };
    }
    if (name === "edit_file" && path !== undefined) return this.edit(path, args, options);
    return {
      text: `Not run: ${name} is not available in a dry run (it could change something). Skip it when ctx.dryRun is true.`,
      isError: true,
    };
  }

  private async edit(
    path: string,
    args: Record<string, unknown>,
    options: ToolCallOptions,
  ): Promise<ToolResult> {
    const { old_text: oldText, new_text: newText, replace_all: replaceAll } = args;
    if (typeof oldText !== "string" || typeof newText !== "string" || oldText === "") {
      return { text: "edit_file needs path, old_text (non-empty) and new_text.", isError: true };
    }
    const before = await this.current(path, options);
    if (before === undefined) return { text: `${path} does not exist.`, isError: true };
    const count = before.split(oldText).length - 1;
    if (count === 0) return { text: `old_text was not found in ${path}.`, isError: true };
    if (count > 1 && replaceAll !== true) {
      return {
        text: `old_text matches ${count} times in ${path}; make it unique or set replace_all.`,
        isError: true,
      };
    }
    const after =
      replaceAll === true ? before.split(oldText).join(newText) : before.replace(oldText, () => newText);
    this.record(path, before, after);
    return { text: `Dry run: would edit ${path}.\n${unifiedDiff(path, before, after)}`, isError: false };
  }

  private record(path: string, current: string | undefined, after: string): void {
    const existing = this.overlay.get(path);
    this.overlay.set(path, { path, before: existing ? existing.before : current, after });
  }

  /** The file as the skill would now see it: the overlay, else the workspace (undefined when missing). */
  private async current(path: string, options: ToolCallOptions): Promise<string | undefined> {
    const planned = this.overlay.get(path);
    if (planned) return planned.after;
    try {
      const result = await this.inner.callTool("read_file", { path }, options);
      if (!result.isError) return /^\(.* is empty\)$/.test(result.text) ? "" : `${result.text}\n`;
    } catch {
      // fall through: treated as missing
    }
    return undefined;
  }
}

function normalise(path: string): string {
  return posix.normalize(path.replace(/^\.\//, ""));
}
