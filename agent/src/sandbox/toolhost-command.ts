// Which command starts the toolhost on this machine: from source (tests, `npm run agent`) through tsx, or
// the built JavaScript in dist/. Paths are absolute because the child's cwd may be the workspace.
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { fileURLToPath, pathToFileURL } from "node:url";
import { SandboxError } from "./launcher.js";

/** A program and its arguments. */
export interface ToolhostCommand {
  /** Executable (the running node binary). */
  command: string;
  /** Arguments, ending with the toolhost's own flags. */
  args: string[];
}

/** The toolhost's flags, as its CLI takes them. */
export interface ToolhostFlags {
  /** Directory the tools may touch. */
  workspace: string;
  /** Directory of dynamic tools to load and watch. */
  dynamicToolsDir?: string;
  /** Default shell timeout in seconds. */
  shellTimeoutSeconds?: number;
  /** Longest shell timeout the model may ask for, in seconds. */
  shellMaxTimeoutSeconds?: number;
}

function toolhostFlags(flags: ToolhostFlags): string[] {
  const args = ["--workspace", flags.workspace];
  if (flags.dynamicToolsDir !== undefined) args.push("--dynamic-tools", flags.dynamicToolsDir);
  if (flags.shellTimeoutSeconds !== undefined)
    args.push("--shell-timeout", String(flags.shellTimeoutSeconds));
  if (flags.shellMaxTimeoutSeconds !== undefined) {
    args.push("--shell-max-timeout", String(flags.shellMaxTimeoutSeconds));
  }
  return args;
}

/**
 * The command for the toolhost next to this module: `src/toolhost/main.ts` via tsx when this module is
 * TypeScript, else `dist/toolhost/main.js`. Throws SandboxError when that file does not exist.
 */
export function resolveToolhostCommand(
  flags: ToolhostFlags,
  moduleUrl: string = import.meta.url,
): ToolhostCommand {
  const fromSource = moduleUrl.endsWith(".ts");
  const entry = fileURLToPath(new URL(`../toolhost/main.${fromSource ? "ts" : "js"}`, moduleUrl));
  if (!existsSync(entry)) {
    const fix = fromSource ? "check out the full source tree" : "run `npm run build`";
    throw new SandboxError(`The toolhost is missing at ${entry}; ${fix}, or use --sandbox docker.`);
  }
  if (!fromSource) return { command: process.execPath, args: [entry, ...toolhostFlags(flags)] };
  const tsx = pathToFileURL(createRequire(moduleUrl).resolve("tsx")).href;
  return {
    command: process.execPath,
    args: ["--conditions=ts-coding-agent-source", "--import", tsx, entry, ...toolhostFlags(flags)],
  };
}
