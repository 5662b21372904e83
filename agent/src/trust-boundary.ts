// What the agent trusts must not be writable by code in the docker sandbox (ADR 011): its own code, DATA_DIR
// (keystore, approvals, providers), and any mcp.json command. Checked at start (exit 2 naming the fix) and on
// /reload; the local sandbox is no boundary, so its launcher reports nothing.
import path from "node:path";
import { appRoot, type Config, ConfigError } from "./config.js";
import { McpConfigError, type McpServerConfig } from "./hub/mcp-config.js";
import type { Logger } from "./log/logger.js";
import type { SandboxLauncher } from "./sandbox/launcher.js";

interface Trusted {
  path: string;
  /** What it is and why the sandbox must not write it. */
  what: string;
  /** How to move it. */
  fix: string;
}

/** Throws a ConfigError for the first trusted path the sandbox could write. */
export async function refuseSandboxWritableConfig(config: Config, launcher: SandboxLauncher): Promise<void> {
  const trusted: Trusted[] = [
    {
      path: appRoot,
      what: "the agent's own code",
      fix: "run the agent from its own directory against another workspace (--workspace DIR)",
    },
    {
      path: config.dataDir,
      what: "DATA_DIR (keystore, skill approvals, providers, sessions)",
      fix: "set DATA_DIR outside it",
    },
    { path: config.keystorePath, what: "KEYSTORE_PATH", fix: "set KEYSTORE_PATH outside it" },
    { path: config.providersFile, what: "the providers file (where keys are sent)", fix: "move it outside" },
  ];
  const writable = await launcher.sandboxCanWrite(trusted.map((t) => t.path));
  const first = trusted.find((_, i) => writable[i]);
  if (first === undefined) return;
  throw new ConfigError(
    `${first.what} at ${first.path} is inside the workspace (${config.workspaceDir}), which code in the sandbox can write; ${first.fix}.`,
  );
}

/**
 * Throws an McpConfigError when a command server of `file` could be changed by code in the sandbox: the file
 * itself, the command, its working directory or a path among its arguments lies where the sandbox can write.
 */
export async function refuseSandboxWritableCommands(
  file: string,
  servers: readonly McpServerConfig[],
  launcher: SandboxLauncher,
): Promise<void> {
  for (const server of servers) {
    if (server.transport !== "stdio") continue;
    const cwd = server.cwd ?? path.dirname(file);
    const paths = [
      file,
      ...(server.cwd ? [server.cwd] : []),
      ...[server.command, ...server.args]
        .filter((arg) => arg.includes("/") && !/^[a-z][a-z+.-]*:/i.test(arg))
        .map((arg) => path.resolve(cwd, arg)),
    ];
    const writable = await launcher.sandboxCanWrite(paths);
    const index = writable.indexOf(true);
    if (index === -1) continue;
    const where = index === 0 ? `${file} is` : `${paths[index]} (in its command) is`;
    throw new McpConfigError(
      `MCP server "${server.name}" runs "${server.command}" on this machine, but ${where} inside the workspace, which code in the sandbox can write. Keep mcp.json and the servers' files out of the workspace (--mcp-config FILE), or use a url server.`,
      file,
      server.name,
    );
  }
}

/**
 * Runs a check: its refusal (a ConfigError or McpConfigError) ends the start; a check that could not run
 * (Docker unreachable: then no sandbox runs either) is logged and passes.
 */
export async function guardTrustBoundary(check: () => Promise<void>, logger: Logger): Promise<void> {
  try {
    await check();
  } catch (error) {
    if (ConfigError.isInstance(error) || McpConfigError.isInstance(error)) throw error;
    logger.warn({ err: String(error) }, "trust boundary check skipped");
  }
}
