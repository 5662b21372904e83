// Builds the toolhost MCP server for one workspace: registers the built-in tool descriptors, turns every
// throw into an `isError` result, wires cancellation and progress, and kills running commands on dispose.
import { McpServer, type RegisteredTool } from "@modelcontextprotocol/sdk/server/mcp.js";
import type { RequestHandlerExtra } from "@modelcontextprotocol/sdk/shared/protocol.js";
import type { CallToolResult, ServerNotification, ServerRequest } from "@modelcontextprotocol/sdk/types.js";
import { z } from "zod";
import { createRunCodeTool } from "./code-mode/run-code-tool.js";
import { DynamicTools } from "./dynamic/dynamic-tools.js";
import { createContextOperations } from "./dynamic/tool-context.js";
import { describePermissionDenied, isPermissionError } from "./permission-denied.js";
import { ProcessGroups } from "./process-groups.js";
import { ProgressBatcher } from "./progress-batcher.js";
import { type ToolCallContext, type ToolDescriptor, ToolInputError } from "./tool-descriptor.js";
import { createCreateTool } from "./tools/create-tool.js";
import { createEditFileTool } from "./tools/edit-file.js";
import { createInstallDependencyTool } from "./tools/install-dependency.js";
import { createListFilesTool } from "./tools/list-files.js";
import { createReadFileTool } from "./tools/read-file.js";
import { createShellTool } from "./tools/shell.js";
import { createWriteFileTool } from "./tools/write-file.js";
import type { Workspace } from "./workspace.js";
import { WorkspaceError } from "./workspace-error.js";

/** Version the toolhost reports in the MCP handshake. */
export const TOOLHOST_VERSION = "0.1.0";

export interface ToolhostOptions {
  /** The workspace every tool is confined to. */
  workspace: Workspace;
  /** Environment for shell commands: the toolhost's own, which its launcher built from scratch. */
  env: Readonly<Record<string, string | undefined>>;
  /** shell's default timeout in seconds. */
  shellTimeoutSeconds: number;
  /** Largest shell timeout the model may ask for, in seconds. */
  shellMaxTimeoutSeconds: number;
  /** Where dynamic tools live; when given, create_tool is offered and the folder is loaded and watched. */
  dynamicToolsDir?: string;
  /** Where unexpected tool failures are reported (stderr in main.ts; never stdout, the MCP channel). */
  logError?: (message: string) => void;
}

/** A toolhost server, not yet connected to a transport. */
export interface Toolhost {
  /** The MCP server; `connect()` it to a transport. */
  server: McpServer;
  /** The dynamic tools (create_tool's), when a dynamicToolsDir was given. */
  dynamicTools?: DynamicTools;
  /** Loads the dynamic tools on disk and starts watching them; call once before connecting. */
  start: () => Promise<void>;
  /** Registers one more tool (before or after connect: the SDK then sends tools/list_changed). */
  addTool: <Shape extends z.ZodRawShape>(descriptor: ToolDescriptor<Shape>) => RegisteredTool;
  /** Kills every process group commands started (background ones too) and closes the server. Must not throw. */
  dispose: () => Promise<void>;
}

const anyResult = z.looseObject({});

function errorResult(text: string): CallToolResult {
  return { content: [{ type: "text", text }], isError: true };
}

/** Builds the toolhost for `options.workspace` with the five built-in tools registered. */
export function createToolhost(options: ToolhostOptions): Toolhost {
  const server = new McpServer(
    { name: "toolhost", version: TOOLHOST_VERSION },
    { capabilities: { tools: { listChanged: true } } },
  );
  const processGroups = new ProcessGroups();
  const shutdown = new AbortController();
  const logError = options.logError ?? (() => undefined);
  const builtinNames = new Set<string>();

  const addTool = <Shape extends z.ZodRawShape>(descriptor: ToolDescriptor<Shape>): RegisteredTool => {
    // Widened for the SDK's generics; the SDK validates args against this very shape before calling us.
    const inputSchema: z.ZodRawShape = descriptor.inputShape;
    builtinNames.add(descriptor.name);
    return server.registerTool(
      descriptor.name,
      { description: descriptor.description, inputSchema },
      async (rawArgs, extra: RequestHandlerExtra<ServerRequest, ServerNotification>) => {
        const args = rawArgs as z.infer<z.ZodObject<Shape>>;
        const progressToken = extra._meta?.progressToken;
        const batcher =
          progressToken === undefined
            ? undefined
            : new ProgressBatcher((message, progress) =>
                extra.sendNotification({
                  method: "notifications/progress",
                  params: { progressToken, progress, message },
                }),
              );
        const signal = AbortSignal.any([extra.signal, shutdown.signal]);
        const context: ToolCallContext = {
          signal,
          ...(batcher === undefined ? {} : { reportProgress: (text: string) => batcher.push(text) }),
          // Custom methods are outside the SDK's request union; the answer is validated by the caller.
          askClient: (method, params, { signal: askSignal, timeoutMs }) =>
            extra.sendRequest({ method, params } as unknown as ServerRequest, anyResult, {
              signal: askSignal,
              timeout: timeoutMs,
            }),
          clientSupports: (name) => server.server.getClientCapabilities()?.experimental?.[name] !== undefined,
        };
        try {
          const outcome = await descriptor.handler(args, context);
          await batcher?.finish();
          return { content: [{ type: "text", text: outcome.text }], isError: outcome.isError === true };
        } catch (error) {
          await batcher?.finish();
          if (WorkspaceError.isInstance(error) || ToolInputError.isInstance(error)) {
            return errorResult(error.message);
          }
          if (isPermissionError(error)) {
            const input = (rawArgs as { path?: unknown }).path;
            return errorResult(
              await describePermissionDenied(
                descriptor.name,
                error,
                options.workspace.root,
                typeof input === "string" ? input : undefined,
              ),
            );
          }
          const message = error instanceof Error ? error.message : String(error);
          logError(
            `toolhost: ${descriptor.name} failed unexpectedly: ${error instanceof Error ? error.stack : message}`,
          );
          return errorResult(
            `${descriptor.name} failed unexpectedly: ${message}. Try again or use another tool.`,
          );
        }
      },
    );
  };

  const { workspace } = options;
  addTool(createListFilesTool({ workspace }));
  addTool(createReadFileTool({ workspace }));
  addTool(createWriteFileTool({ workspace }));
  const editFile = createEditFileTool({ workspace });
  addTool(editFile);
  const shell = createShellTool({
    workspace,
    processGroups,
    env: options.env,
    defaultTimeoutSeconds: options.shellTimeoutSeconds,
    maxTimeoutSeconds: options.shellMaxTimeoutSeconds,
  });
  addTool(shell);
  const dynamicTools =
    options.dynamicToolsDir === undefined
      ? undefined
      : new DynamicTools({
          directory: options.dynamicToolsDir,
          server,
          operations: createContextOperations({ workspace, editFile, shell }),
          processGroups,
          timeoutSeconds: options.shellTimeoutSeconds,
          isBuiltin: (name) => builtinNames.has(name),
          logError,
        });
  if (dynamicTools !== undefined) addTool(createCreateTool({ dynamicTools }));
  addTool(
    createRunCodeTool({
      workspace,
      processGroups,
      defaultTimeoutSeconds: options.shellTimeoutSeconds,
      maxTimeoutSeconds: options.shellMaxTimeoutSeconds,
    }),
  );
  // The docker sandbox answers install_dependency itself, in a networked container (sandbox/docker-install.ts).
  addTool(
    createInstallDependencyTool({
      workspace,
      env: options.env,
      timeoutSeconds: options.shellMaxTimeoutSeconds,
    }),
  );

  let disposed = false;
  return {
    server,
    ...(dynamicTools === undefined ? {} : { dynamicTools }),
    start: async () => {
      await dynamicTools?.start();
    },
    addTool,
    async dispose() {
      if (disposed) return;
      disposed = true;
      shutdown.abort();
      dynamicTools?.close();
      processGroups.killAll();
      await server.close().catch(() => undefined);
    },
  };
}
