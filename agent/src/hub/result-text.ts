// Maps an MCP tool result (untrusted, possibly huge, possibly binary) to the loop's ToolResult: joined text,
// one placeholder line per non-text block, structured content as JSON when there is no text, capped size.
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { TOOL_RESULT_MAX_CHARS } from "@ts-coding-agent/toolhost";
import type { ToolResult } from "../loop/tools.js";

/** Longest result text handed to the loop (the toolhost's budget too); the middle of a longer one is cut. */
export const MAX_RESULT_CHARS = TOOL_RESULT_MAX_CHARS;

type ContentBlock = CallToolResult["content"][number];

function sizeOfBase64(data: string): string {
  const bytes = Math.floor((data.length * 3) / 4);
  return bytes < 1024 ? `${bytes} B` : `${Math.round(bytes / 1024)} KB`;
}

function blockText(block: ContentBlock): string {
  switch (block.type) {
    case "text":
      return block.text;
    case "image":
      return `[image: ${block.mimeType}, ${sizeOfBase64(block.data)}]`;
    case "audio":
      return `[audio: ${block.mimeType}, ${sizeOfBase64(block.data)}]`;
    case "resource_link":
      return `[resource link: ${block.uri}${block.name ? ` (${block.name})` : ""}]`;
    case "resource": {
      const resource = block.resource;
      if ("text" in resource && typeof resource.text === "string") {
        return `[resource: ${resource.uri}]\n${resource.text}`;
      }
      const blob = "blob" in resource && typeof resource.blob === "string" ? resource.blob : "";
      return `[resource: ${resource.uri}, ${resource.mimeType ?? "binary"}, ${sizeOfBase64(blob)}]`;
    }
    default:
      return `[${(block as { type: string }).type} content]`;
  }
}

/**
 * Cuts text to at most `max` characters, keeping its head and its tail (where a status or an error usually is)
 * around a note that says how much of the middle was dropped.
 */
export function capResultText(text: string, max: number = MAX_RESULT_CHARS): string {
  if (text.length <= max) return text;
  const note = (dropped: number) =>
    `\n[output truncated: ${dropped} of ${text.length} characters cut from the middle]\n`;
  const keep = max - note(text.length).length;
  const head = Math.ceil(keep / 2);
  const tail = keep - head;
  return `${text.slice(0, head)}${note(text.length - keep)}${text.slice(text.length - tail)}`;
}

/** The loop's view of an MCP tool result. Never throws. */
export function toolResultFromMcp(result: CallToolResult): ToolResult {
  const content = Array.isArray(result.content) ? result.content : [];
  const hasText = content.some((block) => block.type === "text" && block.text.length > 0);
  const lines = content.map(blockText).filter((line) => line.length > 0);
  if (!hasText && result.structuredContent !== undefined) {
    lines.push(JSON.stringify(result.structuredContent, null, 2));
  }
  const isError = result.isError === true;
  const text =
    lines.length > 0 ? lines.join("\n") : isError ? "(the tool failed without a message)" : "(no output)";
  return { text: capResultText(text), isError };
}
