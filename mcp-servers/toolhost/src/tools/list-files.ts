// list_files: a directory tree with entry types and sizes, optionally recursive to a bounded depth; skips the
// contents of .git, node_modules and .agent unless listed by path; capped in entries with a note when cut.
import type { Dir, Stats } from "node:fs";
import { lstat, opendir, readlink } from "node:fs/promises";
import { z } from "zod";
import { formatSize } from "../file-kind.js";
import type { ToolDescriptor } from "../tool-descriptor.js";
import type { OpenedDirectory, Workspace } from "../workspace.js";

/** Most entries one listing shows. */
export const LIST_MAX_ENTRIES = 1000;
/** Deepest `max_depth` the model may ask for. */
export const LIST_MAX_DEPTH = 10;
const DEFAULT_RECURSIVE_DEPTH = 3;
// Reading more names than this from one directory is pointless when at most LIST_MAX_ENTRIES are shown.
const MAX_NAMES_PER_DIRECTORY = 5000;
const NOT_DESCENDED = new Set([".git", "node_modules", ".agent"]);

export interface ListFilesDeps {
  /** Where directories are listed. */
  workspace: Workspace;
}

const inputShape = {
  path: z.string().optional().describe("Directory (default: the root)."),
  recursive: z.boolean().optional().describe("List subdirectories too."),
  max_depth: z
    .number()
    .int()
    .min(1)
    .max(LIST_MAX_DEPTH)
    .optional()
    .describe(`Levels to descend when recursive (default ${DEFAULT_RECURSIVE_DEPTH}).`),
};

interface Listing {
  lines: string[];
  cut: boolean;
}

function describe(name: string, stats: Stats, target: string | undefined): string {
  if (stats.isDirectory()) return `${name}/`;
  if (stats.isSymbolicLink()) return `${name} -> ${target ?? "?"} (symlink)`;
  if (stats.isFile()) return `${name} (${formatSize(stats.size)})`;
  if (stats.isFIFO()) return `${name} (fifo)`;
  if (stats.isSocket()) return `${name} (socket)`;
  return `${name} (device)`;
}

async function readNames(directory: OpenedDirectory): Promise<{ names: string[]; cut: boolean }> {
  const names: string[] = [];
  const dir: Dir = await opendir(directory.viaPath);
  // for await closes the Dir when the loop ends, also on the early return.
  for await (const entry of dir) {
    if (names.length >= MAX_NAMES_PER_DIRECTORY) return { names, cut: true };
    names.push(entry.name);
  }
  return { names, cut: false };
}

async function listInto(
  workspace: Workspace,
  directory: OpenedDirectory,
  depth: number,
  indent: string,
  listing: Listing,
): Promise<void> {
  const { names, cut } = await readNames(directory);
  if (cut) listing.cut = true;
  const entries = await Promise.all(
    names.map(async (name) => {
      const stats = await lstat(`${directory.viaPath}/${name}`).catch(() => undefined);
      return { name, stats };
    }),
  );
  entries.sort((a, b) => {
    const aDir = a.stats?.isDirectory() ? 0 : 1;
    const bDir = b.stats?.isDirectory() ? 0 : 1;
    return aDir - bDir || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
  });
  for (const { name, stats } of entries) {
    if (stats === undefined) continue;
    if (listing.lines.length >= LIST_MAX_ENTRIES) {
      listing.cut = true;
      return;
    }
    const target = stats.isSymbolicLink()
      ? await readlink(`${directory.viaPath}/${name}`).catch(() => undefined)
      : undefined;
    const skipped = stats.isDirectory() && NOT_DESCENDED.has(name);
    const note = skipped && depth > 0 ? " (contents not listed; list it by path)" : "";
    listing.lines.push(`${indent}${describe(name, stats, target)}${note}`);
    if (!stats.isDirectory() || depth === 0 || skipped) continue;
    const child = await workspace.openChildDirectory(directory, name).catch(() => undefined);
    if (child === undefined) continue;
    try {
      await listInto(workspace, child, depth - 1, `${indent}  `, listing);
    } finally {
      await child.handle.close();
    }
  }
}

/** Creates the list_files tool. */
export function createListFilesTool(deps: ListFilesDeps): ToolDescriptor<typeof inputShape> {
  return {
    name: "list_files",
    description: "List a directory as a tree with types and sizes. Skips .git and node_modules contents.",
    inputShape,
    async handler(args) {
      const input = args.path ?? ".";
      const directory = await deps.workspace.openDirectory(input);
      try {
        const depth = args.recursive ? (args.max_depth ?? DEFAULT_RECURSIVE_DEPTH) - 1 : 0;
        const listing: Listing = { lines: [], cut: false };
        await listInto(deps.workspace, directory, depth, "", listing);
        const title = directory.relativePath === "" ? "." : directory.relativePath;
        if (listing.lines.length === 0) return { text: `${title}/ is empty.` };
        const note = listing.cut
          ? `\n[Listing cut at ${listing.lines.length} entries; list a subdirectory or lower max_depth.]`
          : "";
        return { text: `${title}/\n${listing.lines.join("\n")}${note}` };
      } finally {
        await directory.handle.close();
      }
    },
  };
}
