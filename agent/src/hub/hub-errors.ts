// The hub's named errors (thrown from callTool; the loop turns them into error results for the model) and the
// test that tells a lost session or connection (worth one reconnect and retry) from any other failure.

import { StreamableHTTPError } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { namedError } from "@ts-coding-agent/mcp-kit/named-error";

/** The model called a tool name no server offers. */
export class UnknownToolError extends namedError("UnknownToolError") {
  constructor(
    /** The name the model used. */
    readonly toolName: string,
    /** Similar names that do exist. */
    readonly nearNames: string[],
  ) {
    const hint = nearNames.length > 0 ? ` Did you mean ${nearNames.join(", ")}?` : "";
    super(`Unknown tool "${toolName}".${hint} Only call tools from the tool list.`);
  }
}

/** The server behind a tool is down and could not be reconnected now. */
export class ToolServerUnavailableError extends namedError("ToolServerUnavailableError") {
  constructor(
    /** Server name (`toolhost` for the built-ins). */
    readonly server: string,
    /** Why it is down. */
    readonly reason: string,
  ) {
    super(`The MCP server "${server}" is unavailable (${reason}). Use other tools or try again later.`);
  }
}

/**
 * The sandbox's toolhost could not be started, so there are no file or shell tools: the turn cannot do its
 * work. The message is the launcher's one line naming the cause and the fix.
 */
export class SandboxUnavailableError extends namedError("SandboxUnavailableError") {
  constructor(
    /** Why the toolhost is down, as the launcher said it. */
    readonly reason: string,
  ) {
    super(reason);
  }
}

/** A tool call got no answer within its timeout. */
export class ToolCallTimeoutError extends namedError("ToolCallTimeoutError") {
  constructor(
    /** The tool name the model used. */
    readonly toolName: string,
    /** The timeout that expired. */
    readonly timeoutMs: number,
    options?: { cause?: unknown },
  ) {
    super(
      `Tool "${toolName}" did not answer within ${Math.round(timeoutMs / 1000)} s and was cancelled. ` +
        "Try a smaller task, or another approach.",
      options,
    );
  }
}

const CONNECTION_ERROR_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "EPIPE", "UND_ERR_SOCKET", "ENOTCONN"]);

function errorCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" ? code : undefined;
}

/**
 * True when a request failed because the server forgot our session (it restarted: HTTP 404, or 400 "no valid
 * session") or the connection was refused or reset before an answer: reconnecting and retrying once is safe.
 */
export function isSessionLost(error: unknown): boolean {
  if (error instanceof StreamableHTTPError) {
    return error.code === 404 || (error.code === 400 && /session/i.test(error.message));
  }
  if (!(error instanceof Error)) return false;
  if (/not connected/i.test(error.message)) return true;
  for (let cause: unknown = error; cause; cause = (cause as { cause?: unknown }).cause) {
    const code = errorCode(cause);
    if (code && CONNECTION_ERROR_CODES.has(code)) return true;
    if (cause instanceof TypeError && /fetch failed/i.test(cause.message)) return true;
  }
  return false;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current.push(
        Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + cost),
      );
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}

/** Up to three known names close to `name`: same tool on another server, a typo, a missing prefix. */
export function nearToolNames(name: string, known: string[]): string[] {
  const bare = (tool: string) => {
    const separator = tool.lastIndexOf("__");
    return (separator < 0 ? tool : tool.slice(separator + 2)).toLowerCase();
  };
  const wanted = name.toLowerCase();
  return known
    .map((tool) => {
      const whole = editDistance(wanted, tool.toLowerCase());
      return { tool, score: Math.min(whole, editDistance(bare(wanted), bare(tool)) + 1) };
    })
    .filter(({ tool, score }) => score <= Math.max(2, Math.floor(tool.length / 4)))
    .sort((a, b) => a.score - b.score || a.tool.localeCompare(b.tool))
    .slice(0, 3)
    .map(({ tool }) => tool);
}
