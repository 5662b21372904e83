// One MCP client's share of the platform: its own sandbox (a launcher and a toolhost), its own connections
// to the mcp.json servers, and skills that run with those tools. Two clients never share shell state.
import { randomBytes } from "node:crypto";
import { createCodeCallHandler } from "../code-mode/code-calls.js";
import { createSharedArtifactsHandler } from "../code-mode/shared-artifacts.js";
import type { Config } from "../config.js";
import { guardedTools } from "../guarded-tools.js";
import type { McpServerConfig } from "../hub/mcp-config.js";
import { ToolHub } from "../hub/tool-hub.js";
import type { ChatModel } from "../llm/client.js";
import type { Logger } from "../log/logger.js";
import type { ToolSource } from "../loop/tools.js";
import { createLauncher } from "../sandbox/create-launcher.js";
import type { Library } from "../skills/open-library.js";
import type { SkillRegistry } from "../skills/registry.js";
import type { SkillRunner } from "../skills/runner.js";
import { createSkillServices } from "../skills/skill-services.js";

export interface PlatformSessionOptions {
  config: Config;
  logger: Logger;
  /** mcp.json's servers as they are now (read per session, checked against the trust boundary). */
  servers: () => Promise<McpServerConfig[]>;
  /** The agent's scrubber (every known secret). */
  scrub: (text: string) => string;
  /** Where skills and their approvals are read: the local folders or the shared store (ADR 019). */
  library: Pick<Library, "store" | "ledger" | "artifacts" | "shared">;
  /** The model skills' ctx.llm talks to. */
  model: () => ChatModel;
}

export interface PlatformSession {
  /** Names the session's sandbox (docker labels, logs). */
  id: string;
  /** The hub's tools (toolhost built-ins, dynamic tools, mcp.json servers' tools), guarded as in the REPL. */
  tools: ToolSource;
  skills: { registry: SkillRegistry; runner: SkillRunner };
  /** Stops the sandbox and disconnects the servers. Idempotent, never throws. */
  close(): Promise<void>;
}

/** Builds a session; the sandbox itself starts at the first tools/list or call. */
export async function openPlatformSession(options: PlatformSessionOptions): Promise<PlatformSession> {
  const { config, logger, scrub } = options;
  const id = `mcp-${randomBytes(4).toString("hex")}`;
  const launcher = await createLauncher(config, logger, { sessionId: id });
  const hub = new ToolHub({
    launcher,
    servers: await options.servers(),
    logger,
    shellMaxTimeoutMs: config.shell.maxTimeoutSeconds * 1000,
    progressTimeoutFactor: 6,
  });
  const workspaceRoot = config.workspaceDir;
  const { tools, gitGuard } = await guardedTools({ hub, launcher, workspaceRoot, scrub, logger });
  const skills = createSkillServices({
    store: options.library.store,
    ledger: options.library.ledger,
    programs: launcher.programs,
    playbooksDir: config.playbooksDir,
    tools,
    model: options.model,
    maxSteps: config.maxSteps,
    historyBudgetTokens: config.historyBudgetTokens,
    workspaceRoot: config.workspaceDir,
    scrub,
  });
  // run_code's program calls back through this session's own tools (plus run_skill), as in the REPL.
  const { library } = options;
  hub.serveToolhostRequests([
    createCodeCallHandler({ tools: skills.tools, scrub }),
    ...(library.shared ? [createSharedArtifactsHandler({ artifacts: library.artifacts, scrub })] : []),
  ]);
  logger.info({ session: id, sandbox: config.sandbox.kind }, "mcp session opened");
  let closing: Promise<void> | undefined;
  return {
    id,
    tools,
    skills: { registry: skills.registry, runner: skills.runner },
    close() {
      closing ??= (async () => {
        await hub.close();
        await gitGuard.check().catch(() => []);
        logger.info({ session: id }, "mcp session closed");
      })();
      return closing;
    },
  };
}
