#!/usr/bin/env node
// Wiring only: config → secrets and log → keystore → providers → tool hub (sandbox + MCP servers) → session
// → front end. Every expected failure ends here as one line and an exit code (DESIGN §3).
import { existsSync } from "node:fs";
import { AgentSession } from "./agent-session.js";
import { CheckpointStore } from "./checkpoints/checkpoint-store.js";
import { banner, instructionsLine, version } from "./cli/banner.js";
import { builtinCommands } from "./cli/commands/registry.js";
import { createSkillCommands } from "./cli/commands/skill.js";
import { runDoctor, startupCheck } from "./cli/doctor.js";
import { flushOutput } from "./cli/flush-output.js";
import { rotateKeystore } from "./cli/keys-rotate.js";
import { runMcpServer } from "./cli/mcp-server.js";
import { runPrintMode } from "./cli/print-mode.js";
import { printFailure, printLine, processIo } from "./cli/process-io.js";
import { runRepl } from "./cli/repl.js";
import { runStoreCommand } from "./cli/store-command.js";
import { usageText } from "./cli/usage.js";
import { createCodeMode } from "./code-mode/code-mode.js";
import { ConfigError, loadConfig } from "./config.js";
import { gitGuardNote } from "./git-guard/git-guard-tools.js";
import { guardedTools } from "./guarded-tools.js";
import { loadMcpConfig, McpConfigError } from "./hub/mcp-config.js";
import { installTool } from "./hub/publishing-tools.js";
import { ToolHub } from "./hub/tool-hub.js";
import { ProjectInstructions } from "./instructions/project-instructions.js";
import { Keystore } from "./keys/keystore.js";
import { KeystoreError } from "./keys/keystore-error.js";
import { collectEnvSecrets, SecretSet } from "./keys/secrets.js";
import { ProviderSession } from "./llm/session.js";
import { createLogger } from "./log/file-logger.js";
import { SessionLog, SessionNotFoundError } from "./loop/session-log.js";
import { openPlatformSession } from "./mcp-serve/platform-session.js";
import { createLauncher } from "./sandbox/create-launcher.js";
import { openLibrary } from "./skills/open-library.js";
import { createSkillServices } from "./skills/skill-services.js";
import { StoreError } from "./store/store.js";
import { ToolSync } from "./store/tool-sync.js";
import {
  guardTrustBoundary,
  refuseSandboxWritableCommands,
  refuseSandboxWritableConfig,
} from "./trust-boundary.js";

async function main(argv: string[]): Promise<number> {
  const config = loadConfig(argv, process.env);
  if (config.mode.kind === "help") return printLine(usageText);
  if (config.mode.kind === "version") return printLine(`ts-coding-agent ${version()}`);

  const secrets = new SecretSet(collectEnvSecrets(process.env));
  if (config.masterKey) secrets.add(config.masterKey);
  const storePassword = config.storeUrl ? new URL(config.storeUrl).password : "";
  if (storePassword) secrets.add(decodeURIComponent(storePassword));
  const scrub = (text: string) => secrets.scrub(text);
  const io = processIo(secrets);
  const { term, interactive } = io;
  if (config.mode.kind === "keys-rotate") return rotateKeystore({ ...config, term, interactive });
  if (config.mode.kind === "store") {
    const library = await openLibrary(config, false);
    try {
      return await runStoreCommand({ library, ...config.mode, term });
    } finally {
      await library.store.close();
    }
  }

  const { logger, file: logFile } = createLogger(config.log, secrets);
  const resumed = config.resume ? SessionLog.resume(config.sessionsDir, config.resume, scrub) : undefined;
  const sessionId = resumed?.log.id ?? SessionLog.newId();
  const launcher = await createLauncher(config, logger, { sessionId });
  // Nothing the agent trusts may be writable from the sandbox: refuse to start before using any of it.
  await guardTrustBoundary(() => refuseSandboxWritableConfig(config, launcher), logger);

  // Skills, approvals, dynamic tools and artifacts: the local folders, or the Redis STORE_URL names (ADR 019).
  const library = await openLibrary(config);

  const keystore = config.masterKey ? await Keystore.open(config.keystorePath, config.masterKey) : undefined;
  for (const provider of keystore?.providers() ?? []) secrets.add(keystore?.get(provider) ?? "");

  const providers = new ProviderSession({
    providers: config.providers,
    initial: config.provider,
    ...(config.model ? { initialModel: config.model } : {}),
    apiKey: (keyName) => keystore?.get(keyName) ?? config.envKeys[keyName],
    timeoutMs: config.llm.timeoutMs,
    retry: { maxRetries: config.llm.maxRetries, baseDelayMs: 500, maxDelayMs: 20_000 },
    modelSettings: {
      limits: { totalMs: config.llm.maxResponseMs },
      contextWindowFallback: config.llm.contextWindow,
      ollama: config.llm.ollama,
    },
    logger,
  });
  const checkInput = () => ({
    provider: providers.active,
    model: providers.current(),
    apiKey: providers.activeKey(),
  });
  if (config.mode.kind === "doctor") return runDoctor(term, checkInput());
  const mcpFile = config.mcpConfig;
  const readServers = async () => {
    const servers = mcpFile.explicit || existsSync(mcpFile.path) ? await loadMcpConfig(mcpFile.path) : [];
    await guardTrustBoundary(() => refuseSandboxWritableCommands(mcpFile.path, servers, launcher), logger);
    return servers;
  };
  if (config.mode.kind === "mcp") {
    await readServers(); // a broken mcp.json stops the server at start, not at a client's first session
    const open = () =>
      openPlatformSession({
        config,
        logger,
        servers: readServers,
        scrub,
        library,
        model: () => providers.current(),
      });
    return runMcpServer({
      transport: config.mode.transport,
      version: version(),
      open,
      workspaceRoot: config.workspaceDir,
      secrets,
      addSecret: (value) => secrets.add(value),
      logger,
    }).finally(() => launcher.dispose());
  }
  const header = {
    workspace: config.workspaceDir,
    provider: providers.active.name,
    model: providers.current().model,
  };
  const sessionLog = resumed?.log ?? SessionLog.create(config.sessionsDir, header, scrub, sessionId);

  const servers = await readServers();
  const hub = new ToolHub({
    launcher,
    servers,
    logger,
    shellMaxTimeoutMs: config.shell.maxTimeoutSeconds * 1000,
    // python_exec may run 300 s while reporting progress every 5 s: let a progressing call last 6 timeouts.
    progressTimeoutFactor: 6,
  });
  void hub.start(); // in the background: the prompt is ready before the servers are
  // On a shared store the agent carries dynamic tools between the store and the sandbox's folder.
  const toolSync = library.shared
    ? new ToolSync({
        store: library.store,
        directory: config.dynamicToolsDir,
        install: (tool) => installTool(hub, tool),
        logError: (message) => logger.warn(message),
      })
    : undefined;
  void toolSync?.start().catch((error: unknown) => logger.warn({ err: error }, "tool sync did not start"));
  const workspaceRoot = config.workspaceDir;
  const publish = toolSync ? (name: string) => void toolSync.pushNow(name) : undefined;
  const { tools, gitGuard } = await guardedTools({ hub, launcher, workspaceRoot, scrub, logger, publish });

  const skills = createSkillServices({
    store: library.store,
    ledger: library.ledger,
    programs: launcher.programs,
    playbooksDir: config.playbooksDir,
    tools,
    model: () => providers.current(),
    maxSteps: config.maxSteps,
    historyBudgetTokens: config.historyBudgetTokens,
    workspaceRoot: config.workspaceDir,
    scrub,
    record: (skill, args, durationMs, outcome) => sessionLog.skillRun(skill, args, durationMs, outcome),
  });
  // run_code's calls come back through the model's own tools; TOOL_MODE decides what the model is offered.
  const codeMode = createCodeMode({
    hub,
    tools: skills.tools,
    mode: config.toolMode,
    scrub,
    skills: () => skills.registry.scan(),
    // On a shared store run_code's artifacts live there too, so every agent sees them (ADR 019).
    ...(library.shared ? { artifacts: library.artifacts } : {}),
  });
  const instructions = new ProjectInstructions({
    workspaceRoot: config.workspaceDir,
    dataDir: config.dataDir,
    maxBytes: config.longSessions.instructionsMaxBytes,
  });
  const session = new AgentSession({
    providers,
    tools: codeMode.tools,
    promptSections: skills.promptSections,
    toolSections: codeMode.toolSections,
    workspaceRoot: config.workspaceDir,
    maxSteps: config.maxSteps,
    historyBudgetTokens: config.historyBudgetTokens,
    sessionLog,
    scrub,
    compactAtPercent: config.longSessions.compactAtPercent,
    instructions,
    ...(config.longSessions.checkpoints
      ? {
          checkpoints: CheckpointStore.forWorkspace({
            dataDir: config.dataDir,
            workspace: config.workspaceDir,
            sessionId: sessionLog.id,
          }),
        }
      : {}),
    ...(resumed ? { restored: resumed.messages, restoredSummary: resumed.summary } : {}),
  });
  logger.info(
    {
      session: sessionLog.id,
      provider: header.provider,
      sandbox: config.sandbox.kind,
      store: library.store.location,
      seeded: library.seeded,
    },
    "agent started",
  );
  try {
    if (config.mode.kind === "print") {
      // A task will need the tools: start the sandbox now. A failure is the loop's to report, at its first step.
      void hub.listTools().catch(() => undefined);
      const { task, json } = config.mode;
      return await runPrintMode({ session, term, task, json, stdout: io.output, secrets });
    }
    // What would stop the tools (no access to Docker, no image, a workspace the sandbox cannot write), said
    // before the first prompt rather than at the first turn: under the banner on a terminal, else at once.
    const sandboxProblems = await launcher.check();
    const sayProblems = () => {
      for (const problem of sandboxProblems) term.error(problem);
    };
    if (!interactive) sayProblems();
    return await runRepl({
      beforeFirstPrompt: async () => {
        sayProblems();
        await startupCheck(term, checkInput());
      },
      session,
      term,
      commands: builtinCommands(createSkillCommands(skills)),
      services: {
        toolStatus: () => hub.status(),
        // Reading the dynamic tools' status makes the toolhost rescan its folder; then the lists are re-read.
        toolProblems: () => hub.dynamicToolProblems(),
        reloadTools: async () => {
          await hub.dynamicToolProblems(); // makes the toolhost rescan dynamic-tools/
          const servers = describeReload(await hub.reload(await readServers())); // mcp.json may have changed
          return `${servers}\n${instructionsLine(instructions.reload())}`;
        },
        ...(keystore ? { keystore } : {}),
        addSecret: (value) => secrets.add(value),
      },
      input: io.input,
      output: io.output,
      interactive,
      banner: banner({
        config,
        providers,
        logFile,
        sessionId: sessionLog.id,
        resumed: resumed?.messages.length,
        keystore,
        instructions: instructions.current,
      }),
    });
  } finally {
    toolSync?.close();
    await hub.close();
    await library.store.close();
    // Processes the sandbox left running may have touched .git after the last call.
    const late = await gitGuard.check().catch(() => []);
    if (late.length > 0) term.error(gitGuardNote(late));
    logger.info("agent stopped");
  }
}

function describeReload(statuses: ReturnType<ToolHub["status"]>): string {
  return statuses
    .map((s) => `${s.name}: ${s.state}${s.reason ? ` (${s.reason})` : ""}, ${s.tools.length} tools`)
    .join("\n");
}

/** Expected failures: one line and exit 2 (usage, config, keystore). Anything else is a bug: its stack, exit 1. */
function failure(error: unknown): { code: number; message: string } {
  const expected =
    ConfigError.isInstance(error) ||
    McpConfigError.isInstance(error) ||
    SessionNotFoundError.isInstance(error) ||
    KeystoreError.isInstance(error) ||
    StoreError.isInstance(error);
  if (expected) return { code: 2, message: error.message };
  return { code: 1, message: error instanceof Error ? (error.stack ?? error.message) : String(error) };
}

main(process.argv.slice(2))
  .catch((error: unknown) => {
    const { code, message } = failure(error);
    printFailure(message);
    return code;
  })
  .then(async (code) => {
    await flushOutput(); // process.exit() would drop output a slow pipe has not taken yet
    process.exit(code);
  });
