// Which command starts the toolhost (the @ts-coding-agent/toolhost package) on this machine: its source through
// tsx when the agent runs from source (tests, `npm run agent`), else its built dist/main.js. Paths are absolute
// because the child's cwd may be the workspace.
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { pathToFileURL } from "node:url";
import { SandboxError } from "./launcher.js";

const TOOLHOST_PACKAGE = "@ts-coding-agent/toolhost";

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

/** The toolhost package's directory as Node resolves it from `moduleUrl`; undefined when it is not installed. */
function toolhostPackageDir(moduleUrl: string): string | undefined {
  try {
    return dirname(createRequire(moduleUrl).resolve(`${TOOLHOST_PACKAGE}/package.json`));
  } catch {
    return undefined;
  }
}

/**
 * The command for the toolhost package installed beside the agent: `src/main.ts` via tsx when this module is
 * TypeScript, else `dist/main.js`. Throws SandboxError when the package or that file is missing.
 */
export function resolveToolhostCommand(
  flags: ToolhostFlags,
  moduleUrl: string = import.meta.url,
): ToolhostCommand {
  const fromSource = moduleUrl.endsWith(".ts");
  const packageDir = toolhostPackageDir(moduleUrl);
  if (packageDir === undefined) {
    throw new SandboxError(
      `The toolhost package ${TOOLHOST_PACKAGE} is not installed beside the agent; run \`npm ci\` and \`npm run build\`, or use --sandbox docker.`,
    );
  }
  const entry = join(packageDir, fromSource ? "src/main.ts" : "dist/main.js");
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
