// The node command line that runs one dynamic tool call: Node's permission model with no fs-write, child
// process, worker, addon or inspector rights, read access to the one compiled tool file only, and node:sqlite
// switched off where it exists (Node 24: it writes files outside the permission model).
import { namedError } from "@ts-coding-agent/mcp-kit/named-error";

/** Heap limit of a tool process, in megabytes: a runaway tool dies of it instead of filling the sandbox. */
export const TOOL_HEAP_MB = 256;

/** `--permission` on Node ≥ 22.13 and 23.5 (Node 24 in the image), `--experimental-permission` on Node 20. */
export function permissionFlag(
  allowed: ReadonlySet<string> = process.allowedNodeEnvironmentFlags,
): "--permission" | "--experimental-permission" {
  return allowed.has("--permission") ? "--permission" : "--experimental-permission";
}

/**
 * Flags that switch off built-in modules the permission model does not cover: node:sqlite (Node ≥ 22.5) opens
 * and writes database files without an fs-write grant. Node 20 has no such module and no such flag.
 */
export function disabledModuleFlags(
  allowed: ReadonlySet<string> = process.allowedNodeEnvironmentFlags,
): string[] {
  return allowed.has("--no-experimental-sqlite") ? ["--no-experimental-sqlite"] : [];
}

/** Thrown when the compiled file's path cannot be given to --allow-fs-read (Node 20 splits it on commas). */
export class ToolCachePathError extends namedError("ToolCachePathError") {}

/** Arguments for `process.execPath` that run `runnerSource` against the compiled module at `compiledFile`. */
export function sandboxedNodeArgs(compiledFile: string, runnerSource: string): string[] {
  if (compiledFile.includes(",")) {
    throw new ToolCachePathError(
      `The dynamic tool cache path ${compiledFile} contains a comma, which Node's --allow-fs-read cannot take; set TMPDIR to a path without one.`,
    );
  }
  return [
    permissionFlag(),
    ...disabledModuleFlags(),
    `--allow-fs-read=${compiledFile}`,
    `--max-old-space-size=${TOOL_HEAP_MB}`,
    "--enable-source-maps",
    "--no-warnings",
    "--input-type=module",
    "--eval",
    runnerSource,
    compiledFile,
  ];
}
