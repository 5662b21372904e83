// install_dependency for the docker sandbox: the sandbox has no network, so the agent answers the call itself
// (the hub's InstallDependencyTools routes it here) and runs the image's installer in a short-lived container
// of the same image, as hardened, on a network that can reach registries; nothing from the workspace executes
// there (image-install-command.ts).
import { Writable } from "node:stream";
import { setTimeout as wait } from "node:timers/promises";
import {
  describeInstall,
  INSTALL_DEPENDENCY_TOOL,
  type InstallRun,
  installInputShape,
  ToolInputError,
  validateInstallRequest,
} from "@ts-coding-agent/toolhost";
import type Dockerode from "dockerode";
import { z } from "zod";
import type { SandboxContainerOptions } from "./docker-container-spec.js";
import { sandboxContainerSpec } from "./docker-container-spec.js";
import { imageInstallCommand } from "./image-install-command.js";
import type { DependencyInstaller, InstallAnswer } from "./launcher.js";

const OUTPUT_KEEP_CHARS = 64 * 1024;

/** What an install container shares with the toolhost container, and what differs. */
export type InstallContainerOptions = Omit<SandboxContainerOptions, "role" | "cmd" | "name" | "network"> & {
  /** Network with registry access: the sandbox's own when it has one, else the configured install network. */
  network: string;
  /** Longest an install may take, in seconds. */
  timeoutSeconds: number;
  /** Accept URL specs. */
  allowUrls: boolean;
};

let installCount = 0;

/** Runs argv in a fresh install container (hardened like the sandbox) and removes it. Never throws. */
export async function runInstallContainer(
  docker: Dockerode,
  options: InstallContainerOptions,
  argv: string[],
  signal: AbortSignal,
): Promise<InstallRun> {
  const name = `tca-install-${options.sessionId}-${++installCount}`;
  const spec = sandboxContainerSpec({
    ...options,
    role: "install",
    name,
    cmd: argv,
    tmpMb: 1024,
    extraEnv: {
      PIP_NO_CACHE_DIR: "1",
      PIP_PROGRESS_BAR: "off",
      npm_config_cache: "/tmp/npm-cache",
      NO_COLOR: "1",
    },
  });
  let container: Dockerode.Container | undefined;
  let output = "";
  let failure: string | undefined;
  const collect = new Writable({
    write: (chunk: Buffer, _encoding, done) => {
      output = (output + chunk.toString("utf8")).slice(-OUTPUT_KEEP_CHARS);
      done();
    },
  });
  const stop = (why: string) => {
    failure ??= why;
    void container?.kill().catch(() => undefined);
  };
  const timer = setTimeout(
    () => stop(`timed out after ${options.timeoutSeconds} s`),
    options.timeoutSeconds * 1000,
  );
  const onAbort = () => stop("cancelled");
  signal.addEventListener("abort", onAbort, { once: true });
  try {
    container = await docker.createContainer({
      ...spec,
      OpenStdin: false,
      StdinOnce: false,
      AttachStdin: false,
    });
    const stream = await container.attach({ stream: true, stdout: true, stderr: true });
    const drained = new Promise<void>((resolve) => {
      stream.once("end", resolve);
      stream.once("close", resolve);
    });
    container.modem.demuxStream(stream, collect, collect);
    if (signal.aborted) onAbort();
    await container.start();
    const { StatusCode } = (await container.wait()) as { StatusCode: number };
    await Promise.race([drained, wait(1_000, undefined, { ref: false })]);
    const state = (await container.inspect()).State;
    if (state.OOMKilled) failure ??= "the installer ran out of memory (raise SANDBOX_MEMORY_MB)";
    return { exitCode: StatusCode, output, ...(failure === undefined ? {} : { failure }) };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return { exitCode: null, output, failure: failure ?? `could not run the install container: ${message}` };
  } finally {
    clearTimeout(timer);
    signal.removeEventListener("abort", onAbort);
    await container?.remove({ force: true }).catch(() => undefined);
  }
}

const argsSchema = z.object(installInputShape);

/** The docker sandbox's installer: validates the call like the toolhost would, then `run`s the image's argv. */
export function createDockerInstaller(
  run: (argv: string[], signal: AbortSignal) => Promise<InstallRun>,
  allowUrls: boolean,
): DependencyInstaller {
  return {
    async install(args, signal): Promise<InstallAnswer> {
      const parsed = argsSchema.safeParse(args);
      if (!parsed.success) {
        const issues = parsed.error.issues.map(
          (issue) => `${issue.path.join(".") || "arguments"}: ${issue.message}`,
        );
        return {
          text: `Invalid arguments for ${INSTALL_DEPENDENCY_TOOL}: ${issues.join("; ")}`,
          isError: true,
        };
      }
      try {
        const request = validateInstallRequest(parsed.data.manager, parsed.data.packages, { allowUrls });
        const outcome = describeInstall(request, await run(imageInstallCommand(request), signal));
        return { text: outcome.text, isError: outcome.isError === true };
      } catch (error) {
        if (ToolInputError.isInstance(error)) return { text: error.message, isError: true };
        return { text: `${INSTALL_DEPENDENCY_TOOL} failed unexpectedly: ${String(error)}`, isError: true };
      }
    },
  };
}
