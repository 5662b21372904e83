// Picks the sandbox launcher the configuration asks for: a local child process or a Docker container.
import type { Config } from "../config.js";
import { ConfigError } from "../config.js";
import type { HubLogger } from "../hub/hub-logger.js";
import type { SandboxLauncher } from "./launcher.js";
import { LocalLauncher } from "./local.js";

export function createLauncher(config: Config, logger: HubLogger): SandboxLauncher {
  const flags = {
    workspace: config.workspaceDir,
    dynamicToolsDir: config.dynamicToolsDir,
    shellTimeoutSeconds: config.shell.timeoutSeconds,
    shellMaxTimeoutSeconds: config.shell.maxTimeoutSeconds,
  };
  switch (config.sandbox.kind) {
    case "local":
      return new LocalLauncher({ ...flags, logger });
    case "docker":
      throw new ConfigError("SANDBOX=docker is not available in this build yet; use --sandbox local.");
  }
}
