// The hub as every front end hands it on: install_dependency through the launcher's installer (docker), spill
// files redacted after each call, and .git changes that would run programs undone. The REPL and `agent mcp`
// compose it the same way, so a served client gets exactly the guards the agent's own model has.
import { GitGuard } from "./git-guard/git-guard.js";
import { GitGuardTools } from "./git-guard/git-guard-tools.js";
import { InstallDependencyTools } from "./hub/install-dependency-tools.js";
import { PublishingTools } from "./hub/publishing-tools.js";
import { SpillScrubbingTools } from "./hub/spill-scrubbing-tools.js";
import type { ToolHub } from "./hub/tool-hub.js";
import type { Logger } from "./log/logger.js";
import type { ToolSource } from "./loop/tools.js";
import type { SandboxLauncher } from "./sandbox/launcher.js";

export interface GuardedToolsOptions {
  hub: ToolHub;
  launcher: SandboxLauncher;
  /** The workspace as the agent sees it. */
  workspaceRoot: string;
  scrub: (text: string) => string;
  logger: Logger;
  /** A shared store (ADR 019): called with the name of each dynamic tool create_tool wrote, to push it. */
  publish?: (name: string) => void;
}

/** The guarded tools and the git guard (whose late check the caller runs when the sandbox stops). */
export async function guardedTools(
  options: GuardedToolsOptions,
): Promise<{ tools: ToolSource; gitGuard: GitGuard }> {
  const { hub, launcher, workspaceRoot, scrub, logger, publish } = options;
  // What the sandbox does to .git (hooks, core.fsmonitor) is undone before git on the host runs it.
  const gitGuard = await GitGuard.snapshot(workspaceRoot);
  // Without network in the sandbox (docker), install_dependency runs in a networked container of the agent's.
  const published = publish ? new PublishingTools(hub, publish) : hub;
  const sandboxTools = launcher.installer
    ? new InstallDependencyTools(published, launcher.installer)
    : published;
  // Long outputs spill to .agent/logs/ in the workspace, raw: the agent redacts them there after each call.
  const spills = new SpillScrubbingTools(sandboxTools, { workspaceRoot, scrub, logger });
  return { tools: new GitGuardTools(spills, gitGuard, logger), gitGuard };
}
