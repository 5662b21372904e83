// MCP_CONFIG (mcp.json) in the `mcpServers` format Claude Desktop and Cursor use, validated with zod.
// A bad file is a config error naming the file and the entry; a missing file means "no extra servers".

import { readFile } from "node:fs/promises";
import { namedError } from "@ts-coding-agent/mcp-kit/named-error";
import { z } from "zod";

/** Name used for the toolhost in /tools; a server cannot take it. */
export const TOOLHOST_NAME = "toolhost";

/** One MCP server the hub connects to, after validation. */
export type McpServerConfig =
  | {
      /** Key in `mcpServers`; prefixes the server's tools (`<name>__<tool>`). */
      name: string;
      /** Streamable HTTP. */
      transport: "http";
      /** Endpoint, e.g. `http://datetime-mcp:50051/mcp`. */
      url: string;
      /** Extra request headers (a bearer token for the server). */
      headers: Record<string, string>;
    }
  | {
      /** Key in `mcpServers`; prefixes the server's tools (`<name>__<tool>`). */
      name: string;
      /** A child process speaking MCP on stdin/stdout. */
      transport: "stdio";
      /** Executable, looked up on PATH. */
      command: string;
      /** Its arguments. */
      args: string[];
      /** Variables added to the child's minimal environment (PATH, HOME, LANG); nothing else is inherited. */
      env: Record<string, string>;
      /** Working directory of the child. */
      cwd?: string;
    };

/** mcp.json is unreadable or invalid; the CLI exits 2 with this message. */
export class McpConfigError extends namedError("McpConfigError") {
  constructor(
    message: string,
    /** The config file. */
    readonly file: string,
    /** The offending `mcpServers` key, when one entry is at fault. */
    readonly entry?: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

const serverNameSchema = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,31}$/, "a server name is 1-32 letters, digits, '_' or '-'")
  .refine((name) => !name.includes("__") && !name.endsWith("_"), "a server name cannot contain '__'")
  .refine((name) => name !== TOOLHOST_NAME, `"${TOOLHOST_NAME}" is reserved for the built-in tools`);

const stringMap = z.record(z.string(), z.string());

// Loose objects: other clients add their own keys (disabled, autoApprove, ...), which we ignore.
const entrySchema = z.looseObject({
  type: z.enum(["stdio", "http", "streamable-http", "streamableHttp"]).optional(),
  url: z.url({ protocol: /^https?$/, error: "url must be an http:// or https:// URL" }).optional(),
  headers: stringMap.optional(),
  command: z.string().min(1, "command must not be empty").optional(),
  args: z.array(z.string()).optional(),
  env: stringMap.optional(),
  cwd: z.string().min(1).optional(),
  disabled: z.boolean().optional(),
});

const fileSchema = z.object({ mcpServers: z.record(z.string(), z.unknown()) });

function formatIssues(error: z.ZodError): string {
  return error.issues
    .map((issue) => (issue.path.length > 0 ? `${issue.path.join(".")}: ${issue.message}` : issue.message))
    .join("; ");
}

function parseEntry(file: string, name: string, raw: unknown): McpServerConfig | null {
  const fail = (problem: string): never => {
    throw new McpConfigError(
      `${file}: mcpServers.${name}: ${problem}. Fix or remove this entry (see docs/adding-an-mcp-server.md).`,
      file,
      name,
    );
  };
  const nameCheck = serverNameSchema.safeParse(name);
  if (!nameCheck.success) fail(`bad server name: ${formatIssues(nameCheck.error)}`);
  const parsed = entrySchema.safeParse(raw);
  if (!parsed.success) return fail(formatIssues(parsed.error));
  const entry = parsed.data;
  if (entry.disabled) return null;
  if (entry.url !== undefined && entry.command !== undefined) fail("give either url or command, not both");
  if (entry.url !== undefined) {
    if (entry.type === "stdio") fail('type is "stdio" but the entry has a url');
    return { name, transport: "http", url: entry.url, headers: entry.headers ?? {} };
  }
  if (entry.command !== undefined) {
    if (entry.type !== undefined && entry.type !== "stdio")
      fail(`type is "${entry.type}" but there is no url`);
    const server: McpServerConfig = {
      name,
      transport: "stdio",
      command: entry.command,
      args: entry.args ?? [],
      env: entry.env ?? {},
    };
    if (entry.cwd !== undefined) server.cwd = entry.cwd;
    return server;
  }
  return fail('needs either "url" (Streamable HTTP) or "command" (stdio)');
}

/** Validates an already-parsed mcp.json document; `file` is only used in messages. */
export function parseMcpConfig(document: unknown, file: string): McpServerConfig[] {
  const top = fileSchema.safeParse(document);
  if (!top.success) {
    throw new McpConfigError(
      `${file}: expected {"mcpServers": {"<name>": {...}}}: ${formatIssues(top.error)}`,
      file,
    );
  }
  const servers: McpServerConfig[] = [];
  for (const [name, raw] of Object.entries(top.data.mcpServers)) {
    const server = parseEntry(file, name, raw);
    if (server) servers.push(server);
  }
  return servers;
}

/** Reads and validates mcp.json. A missing file gives no servers; anything else wrong throws McpConfigError. */
export async function loadMcpConfig(file: string): Promise<McpServerConfig[]> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw new McpConfigError(
      `${file}: cannot read the MCP config: ${(error as Error).message}`,
      file,
      undefined,
      {
        cause: error,
      },
    );
  }
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    throw new McpConfigError(`${file}: not valid JSON: ${(error as Error).message}`, file, undefined, {
      cause: error,
    });
  }
  return parseMcpConfig(document, file);
}
