// Picks the sandbox launcher the configuration asks for: a local child process or a Docker container.
import type { Config } from "../config.js";
import type { Logger } from "../log/logger.js";
import type { SandboxLauncher } from "./launcher.js";
import { LocalLauncher } from "./local.js";

export interface CreateLauncherOptions {
  /** The agent session's id, for the docker sandbox's labels and names (random when absent). */
  sessionId?: string;
}

/** Async so dockerode (~0.25 s to load) is imported only when the docker sandbox is asked for. */
export async function createLauncher(
  config: Config,
  logger: Logger,
  options: CreateLauncherOptions = {},
): Promise<SandboxLauncher> {
  const flags = {
    workspace: config.workspaceDir,
    dynamicToolsDir: config.dynamicToolsDir,
    shellTimeoutSeconds: config.shell.timeoutSeconds,
    shellMaxTimeoutSeconds: config.shell.maxTimeoutSeconds,
  };
  switch (config.sandbox.kind) {
    case "local":
      return new LocalLauncher({ ...flags, logger });
    case "docker": {
      const { sandbox } = config;
      const { DockerLauncher } = await import("./docker.js");
      const launcher = new DockerLauncher({
        ...flags,
        image: sandbox.image,
        network: sandbox.network,
        installNetwork: sandbox.installNetwork,
        installAllowUrls: sandbox.installAllowUrls,
        limits: { memoryMb: sandbox.memoryMb, cpus: sandbox.cpus, pidsLimit: sandbox.pidsLimit },
        ...(sandbox.hostWorkspaceDir === undefined ? {} : { hostWorkspaceDir: sandbox.hostWorkspaceDir }),
        ...(sandbox.hostDynamicToolsDir === undefined
          ? {}
          : { hostDynamicToolsDir: sandbox.hostDynamicToolsDir }),
        ...(options.sessionId === undefined ? {} : { sessionId: options.sessionId }),
        logger,
      });
      // At start-up, in the background: sandboxes a crashed earlier run left behind. Never throws.
      void launcher.removeStale();
      return launcher;
    }
  }
}
