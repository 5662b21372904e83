// The toolhost's side of a dynamic tool's `ctx`: readFile, writeFile, listFiles, editFile and shell, run here
// through the workspace boundary and the built-in edit_file and shell tools, so their limits apply unchanged.
import { lstat, opendir } from "node:fs/promises";
import { z } from "zod";
import { formatSize } from "../file-kind.js";
import { ToolInputError } from "../tool-descriptor.js";
import type { createEditFileTool } from "../tools/edit-file.js";
import type { createShellTool } from "../tools/shell.js";
import type { Workspace } from "../workspace.js";

/** Largest file ctx.readFile returns and ctx.writeFile writes. */
export const CONTEXT_MAX_FILE_BYTES = 10 * 1024 * 1024;
/** Most entries ctx.listFiles returns. */
export const CONTEXT_MAX_ENTRIES = 5000;

export interface ToolContextDeps {
  /** The workspace the toolhost serves; every path is confined to it. */
  workspace: Workspace;
  /** The built-in edit_file tool. */
  editFile: ReturnType<typeof createEditFileTool>;
  /** The built-in shell tool (its timeouts, process groups and environment). */
  shell: ReturnType<typeof createShellTool>;
}

/** One directory entry as ctx.listFiles returns it. */
export interface ContextEntry {
  /** Entry name. */
  name: string;
  /** What it is; symlinks are not followed. */
  type: "file" | "directory" | "symlink" | "other";
  /** Size in bytes (files only). */
  size?: number;
}

/** Runs one ctx operation; throws an Error whose message goes back to the tool as a rejection. */
export type ContextOperation = (op: string, params: unknown, signal: AbortSignal) => Promise<unknown>;

const schemas = {
  readFile: z.object({ path: z.string() }),
  writeFile: z.object({ path: z.string(), content: z.string() }),
  listFiles: z.object({ path: z.string() }),
  editFile: z.object({ path: z.string(), oldText: z.string(), newText: z.string(), replaceAll: z.boolean() }),
  shell: z.object({ command: z.string().min(1), timeoutSeconds: z.number().positive().optional() }),
};

function isOperation(op: string): op is keyof typeof schemas {
  return Object.hasOwn(schemas, op);
}

function parse<T>(op: string, schema: z.ZodType<T>, params: unknown): T {
  const parsed = schema.safeParse(params);
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`);
  throw new ToolInputError(`ctx.${op} was called with invalid arguments (${issues.join("; ")}).`);
}

async function readText(workspace: Workspace, input: string): Promise<string> {
  const opened = await workspace.openFile(input, "read");
  try {
    if (opened.stats.size > CONTEXT_MAX_FILE_BYTES) {
      throw new ToolInputError(
        `${input} is ${formatSize(opened.stats.size)}, over ctx.readFile's ${formatSize(CONTEXT_MAX_FILE_BYTES)} limit; use ctx.shell to process it.`,
      );
    }
    return await opened.handle.readFile("utf8");
  } finally {
    await opened.handle.close();
  }
}

async function listDirectory(workspace: Workspace, input: string): Promise<ContextEntry[]> {
  const directory = await workspace.openDirectory(input);
  try {
    const entries: ContextEntry[] = [];
    for await (const entry of await opendir(directory.viaPath)) {
      if (entries.length >= CONTEXT_MAX_ENTRIES) break;
      const stats = await lstat(`${directory.viaPath}/${entry.name}`).catch(() => undefined);
      if (stats === undefined) continue;
      const type = stats.isFile()
        ? "file"
        : stats.isDirectory()
          ? "directory"
          : stats.isSymbolicLink()
            ? "symlink"
            : "other";
      entries.push(
        type === "file" ? { name: entry.name, type, size: stats.size } : { name: entry.name, type },
      );
    }
    return entries.sort((a, b) => a.name.localeCompare(b.name));
  } finally {
    await directory.handle.close();
  }
}

/** The ctx operations for one toolhost. */
export function createContextOperations(deps: ToolContextDeps): ContextOperation {
  const { workspace } = deps;
  return async (op, params, signal) => {
    if (!isOperation(op)) throw new ToolInputError(`ctx has no operation "${op}".`);
    switch (op) {
      case "readFile":
        return readText(workspace, parse(op, schemas.readFile, params).path);
      case "writeFile": {
        const { path, content } = parse(op, schemas.writeFile, params);
        const data = Buffer.from(content, "utf8");
        if (data.length > CONTEXT_MAX_FILE_BYTES) {
          throw new ToolInputError(`ctx.writeFile content is over ${formatSize(CONTEXT_MAX_FILE_BYTES)}.`);
        }
        await workspace.writeFile(path, data);
        return undefined;
      }
      case "listFiles":
        return listDirectory(workspace, parse(op, schemas.listFiles, params).path);
      case "editFile": {
        const args = parse(op, schemas.editFile, params);
        const outcome = await deps.editFile.handler(
          { path: args.path, old_text: args.oldText, new_text: args.newText, replace_all: args.replaceAll },
          { signal },
        );
        if (outcome.isError === true) throw new ToolInputError(outcome.text);
        return outcome.text;
      }
      case "shell": {
        const args = parse(op, schemas.shell, params);
        const outcome = await deps.shell.handler(
          {
            command: args.command,
            ...(args.timeoutSeconds === undefined ? {} : { timeout_seconds: args.timeoutSeconds }),
          },
          { signal },
        );
        return { output: outcome.text, ok: outcome.isError !== true };
      }
    }
  };
}
