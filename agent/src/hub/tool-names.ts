// Turns an MCP server's tool list (untrusted data) into tool specs for the LLM: `<server>__<tool>` names,
// capped descriptions and counts, argument schemas the OpenAI API accepts.
import type { Tool } from "@modelcontextprotocol/sdk/types.js";
import type { JsonSchema } from "../loop/tools.js";

/** Joins a server's name and its tool's name: `datetime__get_current_time`. */
export const TOOL_NAME_SEPARATOR = "__";
/** A longer description is cut: it costs context on every request and may carry injected instructions. */
export const MAX_DESCRIPTION_CHARS = 1_000;
/** Tools kept per server; the rest are dropped and reported in /tools. */
export const MAX_TOOLS_PER_SERVER = 100;
/** An argument schema larger than this (as JSON) drops the tool. */
export const MAX_SCHEMA_CHARS = 20_000;
/** OpenAI-compatible APIs accept `^[a-zA-Z0-9_-]{1,64}$` as a function name. */
const MAX_TOOL_NAME_CHARS = 64;

/** One tool of one server, as the hub keeps it. */
export interface HubTool {
  /** Name the model calls (`read_file`, `datetime__get_current_time`). */
  exposedName: string;
  /** Name on the MCP server. */
  mcpName: string;
  /** Capped description. */
  description: string;
  /** Argument schema for the LLM. */
  parameters: JsonSchema;
}

/** A tool the hub refused to expose, and why (shown in /tools). */
export interface DroppedTool {
  /** Name on the MCP server. */
  mcpName: string;
  /** Why it is not offered to the model. */
  reason: string;
}

/** The name the model sees; `prefix` is null for the toolhost's built-ins. Null when no valid name exists. */
export function exposedToolName(prefix: string | null, mcpName: string): string | null {
  const safe = mcpName.replace(/[^A-Za-z0-9_-]/g, "_");
  const name = prefix === null ? safe : `${prefix}${TOOL_NAME_SEPARATOR}${safe}`;
  if (safe.length === 0 || name.length > MAX_TOOL_NAME_CHARS) return null;
  return name;
}

/** Cuts a description to MAX_DESCRIPTION_CHARS, saying so. */
export function capDescription(description: string | undefined): string {
  const text = (description ?? "").trim();
  if (text.length <= MAX_DESCRIPTION_CHARS) return text;
  const note = " [description cut]";
  return `${text.slice(0, MAX_DESCRIPTION_CHARS - note.length)}${note}`;
}

/**
 * The MCP input schema as OpenAI function parameters: always an object schema with `properties`; `$schema`
 * dropped (some providers reject it), and the ±2^53 bounds zod puts on every integer dropped (they say nothing
 * and cost ~10 tokens each, on every request). Null when the schema is too large to send.
 */
export function toLlmParameters(inputSchema: Tool["inputSchema"]): JsonSchema | null {
  const { $schema: _ignored, ...rest } = withoutSafeIntegerBounds(inputSchema) as Record<string, unknown>;
  const properties = (rest.properties as JsonSchema | undefined) ?? {};
  const schema: JsonSchema = { ...rest, type: "object", properties };
  if (JSON.stringify(schema).length > MAX_SCHEMA_CHARS) return null;
  return schema;
}

function withoutSafeIntegerBounds(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutSafeIntegerBounds);
  if (!value || typeof value !== "object") return value;
  const out: Record<string, unknown> = {};
  for (const [key, child] of Object.entries(value)) {
    const meaningless =
      (key === "maximum" && child === Number.MAX_SAFE_INTEGER) ||
      (key === "minimum" && child === Number.MIN_SAFE_INTEGER);
    if (!meaningless) out[key] = withoutSafeIntegerBounds(child);
  }
  return out;
}

/** Converts one server's tool list, enforcing the caps. Names already `taken` (built-ins, other servers) lose. */
export function convertTools(
  prefix: string | null,
  tools: Tool[],
  taken: ReadonlySet<string> = new Set(),
): { tools: HubTool[]; dropped: DroppedTool[] } {
  const kept: HubTool[] = [];
  const dropped: DroppedTool[] = [];
  const seen = new Set<string>();
  for (const tool of tools) {
    const exposedName = exposedToolName(prefix, tool.name);
    if (exposedName === null) {
      dropped.push({
        mcpName: tool.name,
        reason: "name is empty or longer than 64 characters with its prefix",
      });
      continue;
    }
    if (taken.has(exposedName) || seen.has(exposedName)) {
      dropped.push({ mcpName: tool.name, reason: `${exposedName} is already taken by another tool` });
      continue;
    }
    if (kept.length >= MAX_TOOLS_PER_SERVER) {
      dropped.push({
        mcpName: tool.name,
        reason: `over the limit of ${MAX_TOOLS_PER_SERVER} tools per server`,
      });
      continue;
    }
    const parameters = toLlmParameters(tool.inputSchema);
    if (parameters === null) {
      dropped.push({
        mcpName: tool.name,
        reason: `argument schema larger than ${MAX_SCHEMA_CHARS} characters`,
      });
      continue;
    }
    seen.add(exposedName);
    kept.push({ exposedName, mcpName: tool.name, description: capDescription(tool.description), parameters });
  }
  return { tools: kept, dropped };
}

/** A stable fingerprint of a tool list, to tell whether it changed since start-up. */
export function toolListFingerprint(tools: Tool[]): string {
  const parts = tools
    .map((tool) => JSON.stringify([tool.name, tool.description ?? "", tool.inputSchema]))
    .sort();
  return parts.join("\n");
}
