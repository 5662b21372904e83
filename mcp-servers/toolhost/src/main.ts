// The toolhost process: parses its flags, serves the built-in tools over MCP on stdio for one workspace, and
// on stdin close, SIGTERM or SIGINT kills every command it started before exiting. stdout is the MCP channel.
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import { parseToolhostArgs, TOOLHOST_USAGE, UsageError } from "./cli-args.js";
import { createToolhost } from "./server.js";
import { Workspace } from "./workspace.js";
import { WorkspaceError } from "./workspace-error.js";

function fail(message: string, code: number): never {
  process.stderr.write(`toolhost: ${message}\n`);
  process.exit(code);
}

async function main(): Promise<void> {
  let args: ReturnType<typeof parseToolhostArgs>;
  try {
    args = parseToolhostArgs(process.argv.slice(2));
  } catch (error) {
    if (UsageError.isInstance(error)) fail(`${error.message}\n${TOOLHOST_USAGE}`, 2);
    throw error;
  }
  let workspace: Workspace;
  try {
    workspace = await Workspace.open(args.workspace);
  } catch (error) {
    if (WorkspaceError.isInstance(error)) fail(error.message, 2);
    throw error;
  }
  const toolhost = createToolhost({
    workspace,
    env: process.env,
    shellTimeoutSeconds: args.shellTimeoutSeconds,
    shellMaxTimeoutSeconds: args.shellMaxTimeoutSeconds,
    ...(args.dynamicToolsDir === undefined ? {} : { dynamicToolsDir: args.dynamicToolsDir }),
    logError: (message) => process.stderr.write(`${message}\n`),
  });

  let stopping = false;
  const stop = (code: number): void => {
    if (stopping) return;
    stopping = true;
    void toolhost.dispose().finally(() => process.exit(code));
  };
  // The agent went away (or /bye): nothing will read our answers, so stop every command and leave.
  process.stdin.once("end", () => stop(0));
  process.stdin.once("close", () => stop(0));
  process.once("SIGTERM", () => stop(143));
  process.once("SIGINT", () => stop(130));
  process.stdout.on("error", () => stop(0));

  // Dynamic tools on disk are loaded first, so the agent's first tools/list already has them.
  await toolhost.start();
  const transport = new StdioServerTransport();
  transport.onclose = () => stop(0);
  await toolhost.server.connect(transport);
}

main().catch((error: unknown) => {
  fail(error instanceof Error ? (error.stack ?? error.message) : String(error), 1);
});
