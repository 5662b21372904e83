// install_dependency: validates package specs and installs them into the workspace (pip into .venv, npm into
// node_modules) so installs persist with it. The docker sandbox runs the same command in a networked container.
import { spawn } from "node:child_process";
import { z } from "zod";
import { killProcessGroup } from "../process-groups.js";
import { type ToolDescriptor, ToolInputError, type ToolOutcome } from "../tool-descriptor.js";
import type { Workspace } from "../workspace.js";

export type PackageManager = "pip" | "npm";

/** A validated install: every spec is safe to pass as one argument. */
export interface InstallRequest {
  /** Which installer runs. */
  manager: PackageManager;
  /** Package specs, validated (no flags, no shell metacharacters, no URLs unless allowed). */
  packages: string[];
}

/** How an install command ended. */
export interface InstallRun {
  /** Exit code; null when it was killed or never started. */
  exitCode: number | null;
  /** Combined stdout and stderr, already bounded by the runner (its tail is what matters). */
  output: string;
  /** Why it did not run to completion (timeout, cancelled, could not start), if it did not. */
  failure?: string;
}

/** Runs an install command (argv) with the workspace as working directory. Must not throw. */
export type InstallRunner = (argv: string[], signal: AbortSignal) => Promise<InstallRun>;

export interface InstallDependencyDeps {
  /** Where packages go. */
  workspace: Workspace;
  /** Runs the install; defaults to a child process of the toolhost (see runInstallLocally). */
  run?: InstallRunner;
  /** Accept http(s) URLs as specs. */
  allowUrls?: boolean;
  /** Longest an install may take, in seconds (default 600). */
  timeoutSeconds?: number;
  /** Environment for the installer (the toolhost's own, already clean). */
  env?: Readonly<Record<string, string | undefined>>;
}

/** The tool's name: the agent answers it itself when the sandbox has no network (docker). */
export const INSTALL_DEPENDENCY_TOOL = "install_dependency";

export const MAX_PACKAGES = 32;
const MAX_SPEC_LENGTH = 200;
/** Characters of installer output returned to the model. */
const OUTPUT_TAIL_CHARS = 3_000;
const RUNNER_KEEP_CHARS = 64 * 1024;

// PEP 508 name, optional extras, optional PEP 440 version clauses. `<` and `>` are version operators here;
// the spec is one argv entry and never reaches a shell, so they cannot redirect anything.
const PIP_SPEC =
  /^[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?(?:\[[A-Za-z0-9._-]+(?:,[A-Za-z0-9._-]+)*\])?(?:(?:===|~=|==|!=|<=|>=|<|>)[A-Za-z0-9.*+_-]+(?:,(?:~=|==|!=|<=|>=|<|>)[A-Za-z0-9.*+_-]+)*)?$/;
// npm name (optionally scoped), optional @version, @tag or @range without spaces.
const NPM_SPEC = /^(?:@[a-z0-9~][a-z0-9._~-]*\/)?[a-z0-9~][a-z0-9._~-]*(?:@[A-Za-z0-9.^~*<>=+_-]+)?$/;
const URL_SPEC = /^(?:git\+)?https?:\/\/[A-Za-z0-9.-]+(?::\d+)?(?:\/[A-Za-z0-9._~%/+=@-]*)?(?:#[\w.=&-]+)?$/;

export const installInputShape = {
  manager: z.enum(["pip", "npm"]),
  packages: z.array(z.string()).min(1).max(MAX_PACKAGES).describe('e.g. ["requests==2.32.3"], ["lodash@4"]'),
};

/** Checks every spec; throws a ToolInputError naming the first bad one and what is accepted. */
export function validateInstallRequest(
  manager: PackageManager,
  packages: readonly string[],
  options: { allowUrls: boolean },
): InstallRequest {
  if (packages.length === 0 || packages.length > MAX_PACKAGES) {
    throw new ToolInputError(`Give between 1 and ${MAX_PACKAGES} packages.`);
  }
  for (const spec of packages) {
    const shown = JSON.stringify(spec.slice(0, 80));
    if (spec.length === 0 || spec.length > MAX_SPEC_LENGTH) {
      throw new ToolInputError(
        `Package spec ${shown} is empty or longer than ${MAX_SPEC_LENGTH} characters.`,
      );
    }
    if (spec.startsWith("-")) {
      throw new ToolInputError(`Package spec ${shown} looks like a flag; give package names only.`);
    }
    if (/^[a-z+]+:\/\//i.test(spec)) {
      if (!options.allowUrls) {
        throw new ToolInputError(
          `Package spec ${shown} is a URL; installing from URLs is disabled (INSTALL_ALLOW_URLS=true enables it). Use a registry package name.`,
        );
      }
      if (!URL_SPEC.test(spec)) throw new ToolInputError(`Package spec ${shown} is not a plain http(s) URL.`);
      continue;
    }
    const pattern = manager === "pip" ? PIP_SPEC : NPM_SPEC;
    const example =
      manager === "pip"
        ? "requests, requests==2.32.3, uvicorn[standard]>=0.30"
        : "lodash, lodash@4.17.21, @types/node@20";
    if (!pattern.test(spec)) {
      throw new ToolInputError(
        `Package spec ${shown} is not a valid ${manager} package spec (no flags, paths, spaces or shell characters); e.g. ${example}.`,
      );
    }
  }
  return { manager, packages: [...packages] };
}

/** The installer's argv, run with the workspace root as working directory. */
export function installCommand(request: InstallRequest): string[] {
  switch (request.manager) {
    case "pip":
      // Specs travel as "$@", never inside the script text.
      return [
        "sh",
        "-c",
        '[ -x .venv/bin/pip ] || python3 -m venv .venv || exit $?; exec .venv/bin/pip install --disable-pip-version-check --no-input "$@"',
        "install_dependency",
        ...request.packages,
      ];
    case "npm":
      return ["npm", "install", "--no-audit", "--no-fund", "--no-update-notifier", ...request.packages];
  }
}

/** The tool result for a finished install: a short summary on success, the installer's own error tail on failure. */
export function describeInstall(request: InstallRequest, run: InstallRun): ToolOutcome {
  const output = run.output.trim();
  const tail = output.length > OUTPUT_TAIL_CHARS ? `...${output.slice(-OUTPUT_TAIL_CHARS)}` : output;
  const where = request.manager === "pip" ? ".venv (run with .venv/bin/python)" : "node_modules";
  const list = request.packages.join(" ");
  if (run.failure === undefined && run.exitCode === 0) {
    const lastLines = tail.split("\n").slice(-5).join("\n");
    return { text: `Installed ${list} into ${where}.\n${lastLines}`.trimEnd() };
  }
  const how = run.failure ?? `${request.manager} exited with code ${run.exitCode ?? "unknown"}`;
  return {
    text: `Installing ${list} failed: ${how}.\n${tail || "(no output)"}`,
    isError: true,
  };
}

/** Runs argv as a child process in `cwd`, in its own process group, bounded in time and output. */
export function runInstallLocally(
  cwd: string,
  env: Readonly<Record<string, string | undefined>>,
  timeoutSeconds: number,
): InstallRunner {
  return (argv, signal) =>
    new Promise((resolve) => {
      const [command = "false", ...args] = argv;
      let output = "";
      let failure: string | undefined;
      const child = spawn(command, args, {
        cwd,
        env: { ...env, NO_COLOR: "1", PIP_PROGRESS_BAR: "off" },
        detached: true,
        stdio: ["ignore", "pipe", "pipe"],
      });
      const stop = (why: string) => {
        failure ??= why;
        if (child.pid !== undefined) killProcessGroup(child.pid);
      };
      const timer = setTimeout(() => stop(`timed out after ${timeoutSeconds} s`), timeoutSeconds * 1000);
      const onAbort = () => stop("cancelled");
      if (signal.aborted) onAbort();
      signal.addEventListener("abort", onAbort, { once: true });
      const collect = (chunk: Buffer) => {
        output = (output + chunk.toString("utf8")).slice(-RUNNER_KEEP_CHARS);
      };
      child.stdout.on("data", collect);
      child.stderr.on("data", collect);
      const finish = (exitCode: number | null) => {
        clearTimeout(timer);
        signal.removeEventListener("abort", onAbort);
        resolve({ exitCode, output, ...(failure === undefined ? {} : { failure }) });
      };
      child.once("error", (error) => {
        failure ??= `could not start ${command}: ${error.message}`;
        finish(null);
      });
      child.once("close", (code) => finish(code));
    });
}

/** Creates the install_dependency tool. */
export function createInstallDependencyTool(
  deps: InstallDependencyDeps,
): ToolDescriptor<typeof installInputShape> {
  const run = deps.run ?? runInstallLocally(deps.workspace.root, deps.env ?? {}, deps.timeoutSeconds ?? 600);
  return {
    name: INSTALL_DEPENDENCY_TOOL,
    description:
      "Install packages into the workspace: pip into .venv (run .venv/bin/python), npm into node_modules.",
    inputShape: installInputShape,
    async handler(args, context) {
      const request = validateInstallRequest(args.manager, args.packages, {
        allowUrls: deps.allowUrls ?? false,
      });
      return describeInstall(request, await run(installCommand(request), context.signal));
    },
  };
}
