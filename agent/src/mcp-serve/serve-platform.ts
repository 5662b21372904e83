// Puts the platform on one MCP server instance (one client session): tools/list and tools/call over the
// session's hub and approved skills, resources/list and resources/read over the workspace's artifacts. Every
// text that leaves is scrubbed of known secrets, as in the REPL; the session's sandbox stops when it closes.
import type { Server } from "@modelcontextprotocol/sdk/server/index.js";
import {
  CallToolRequestSchema,
  type CallToolResult,
  ErrorCode,
  ListResourcesRequestSchema,
  ListResourceTemplatesRequestSchema,
  ListToolsRequestSchema,
  McpError,
  ReadResourceRequestSchema,
  type Tool,
} from "@modelcontextprotocol/sdk/types.js";
import { type Scrubber, StreamScrubber } from "../keys/stream-scrubber.js";
import type { Logger } from "../log/logger.js";
import { ArtifactError, listArtifacts, readArtifact } from "./artifacts.js";
import type { PlatformSession } from "./platform-session.js";
import { approvedSkillTools, callSkillTool, SKILL_TOOL_PREFIX } from "./skill-tools.js";

/** JSON-RPC code MCP uses for a resource that does not exist. */
const RESOURCE_NOT_FOUND = -32002;

export interface ServePlatformOptions {
  /** Opens this client's session (its own sandbox); called once, at the first request that needs it. */
  open: () => Promise<PlatformSession>;
  workspaceRoot: string;
  /** The agent's secret set: whole results are scrubbed, streamed progress through a StreamScrubber. */
  secrets: Scrubber;
  logger: Logger;
}

/**
 * Registers the handlers on `server` (before it is connected) and closes the session's sandbox when the
 * server closes (the client left, the transport ended, the session was reaped). Returns that close, to await.
 */
export function servePlatform(server: Server, options: ServePlatformOptions): () => Promise<void> {
  const { secrets, logger } = options;
  const scrub = (text: string) => secrets.scrub(text);
  let session: Promise<PlatformSession> | undefined;
  let closed = false;
  const current = (): Promise<PlatformSession> => {
    if (closed) return Promise.reject(new McpError(ErrorCode.ConnectionClosed, "The session is closed."));
    session ??= options.open();
    return session;
  };
  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closed = true;
    closing ??= (session ?? Promise.resolve(undefined)).then(
      (opened) => opened?.close(),
      () => undefined,
    );
    return closing;
  };
  const previousOnClose = server.onclose;
  server.onclose = () => {
    previousOnClose?.();
    void close();
  };

  server.registerCapabilities({ tools: {}, resources: {} });

  server.setRequestHandler(ListToolsRequestSchema, async () => {
    const { tools, skills } = await current();
    const skillTools = approvedSkillTools(skills.registry);
    const hubTools = (await failAsRpc(() => tools.listTools(), scrub)).filter(
      (tool) => !tool.name.startsWith(SKILL_TOOL_PREFIX),
    );
    return {
      tools: [...hubTools, ...skillTools].map(
        (tool): Tool => ({
          name: tool.name,
          description: tool.description,
          inputSchema: { ...tool.parameters, type: "object" },
        }),
      ),
    };
  });

  server.setRequestHandler(CallToolRequestSchema, async (request, extra): Promise<CallToolResult> => {
    const { name } = request.params;
    const args = request.params.arguments ?? {};
    const { tools, skills } = await current();
    // A client that sent a progress token gets the tool's streamed output (shell) as progress messages.
    const progressToken = request.params._meta?.progressToken;
    let onProgress: ((chunk: string) => void) | undefined;
    let endProgress = async (): Promise<void> => undefined;
    if (progressToken !== undefined) {
      const stream = new StreamScrubber(secrets);
      const sent: Array<Promise<void>> = [];
      const send = (message: string) => {
        if (message === "") return;
        const params = { progressToken, progress: sent.length + 1, message };
        sent.push(
          extra.sendNotification({ method: "notifications/progress", params }).catch(() => undefined),
        );
      };
      onProgress = (chunk) => send(stream.push(chunk));
      // The tail held back in case it began a key, then every message out before the result: a client stops
      // listening for progress once the result has come.
      endProgress = async () => {
        send(stream.flush());
        await Promise.all(sent);
      };
    }
    const callOptions = { signal: extra.signal, ...(onProgress ? { onProgress } : {}) };
    try {
      const result = name.startsWith(SKILL_TOOL_PREFIX)
        ? await callSkillTool(skills.runner, name, args, callOptions)
        : await tools.callTool(name, args, callOptions);
      await endProgress();
      return { content: [{ type: "text", text: scrub(result.text) }], isError: result.isError };
    } catch (error) {
      // As in the loop: a failing tool is an error result, never a dead session.
      const message = error instanceof Error ? error.message : String(error);
      logger.warn({ tool: name, err: scrub(message) }, "mcp tool call failed");
      return { content: [{ type: "text", text: scrub(message) }], isError: true };
    }
  });

  server.setRequestHandler(ListResourcesRequestSchema, async () => ({
    resources: (await listArtifacts(options.workspaceRoot)).map((artifact) => ({
      uri: artifact.uri,
      name: artifact.name,
      mimeType: artifact.mimeType,
      size: artifact.size,
    })),
  }));

  server.setRequestHandler(ListResourceTemplatesRequestSchema, async () => ({
    resourceTemplates: [
      {
        uriTemplate: "artifact:///{+path}",
        name: "artifact",
        description: "A file under the workspace's .agent/artifacts/ folder.",
      },
    ],
  }));

  server.setRequestHandler(ReadResourceRequestSchema, async (request) => {
    try {
      const content = await readArtifact(options.workspaceRoot, request.params.uri);
      const { uri, mimeType } = content;
      if (content.kind === "text") return { contents: [{ uri, mimeType, text: scrub(content.text) }] };
      // Keys in binary files are redacted byte for byte, as in spill files.
      const clean = Buffer.from(scrub(content.bytes.toString("latin1")), "latin1");
      return { contents: [{ uri, mimeType, blob: clean.toString("base64") }] };
    } catch (error) {
      if (!ArtifactError.isInstance(error)) throw error;
      const code = error.reason === "not-found" ? RESOURCE_NOT_FOUND : ErrorCode.InvalidParams;
      throw new McpError(code, error.message);
    }
  });
  return close;
}

/** A tool list that cannot be had (the sandbox does not start) is a JSON-RPC error with the reason. */
async function failAsRpc<T>(run: () => Promise<T>, scrub: (text: string) => string): Promise<T> {
  try {
    return await run();
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new McpError(ErrorCode.InternalError, scrub(message));
  }
}
