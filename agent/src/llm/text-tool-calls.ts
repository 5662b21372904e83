// Recovers tool calls that local models write as text in `content` instead of structured `tool_calls`:
// bare JSON, Hermes/Qwen `<tool_call>`, Qwen3-Coder XML, Mistral `[TOOL_CALLS]`, Llama `<|python_tag|>`.
import { codeSpans, insideCode } from "./code-spans.js";
import { parseJsonAt, parseJsonSequence, skipSpace } from "./json-scan.js";
import { parseXmlFunction, typedArguments } from "./qwen-xml-calls.js";

/** A tool as it was offered to the model. */
export interface OfferedTool {
  /** The tool's name, as the model must write it. */
  name: string;
  /** JSON schema of the arguments; Qwen XML values are typed by its `properties`. */
  parameters?: Record<string, unknown>;
}

/** One call recovered from text. */
export interface TextToolCall {
  /** The offered tool's name (a `functions.` prefix the model wrote is dropped). */
  name: string;
  /** The call's arguments as an object. */
  arguments: Record<string, unknown>;
}

export type TextCallFormat = "json" | "hermes" | "qwen-xml" | "mistral" | "llama";

/** The calls found in one response's text. */
export interface RecoveredCalls {
  /** Every call, in the order written; never empty. */
  calls: TextToolCall[];
  /** The content with the call markup removed (the prose around it), trimmed; "" when none. */
  text: string;
  /** The format of the first call. */
  format: TextCallFormat;
}

type MarkerKind = "tool_call" | "function" | "mistral" | "python_tag";

const MARKERS: ReadonlyArray<{ text: string; kind: MarkerKind }> = [
  { text: "<tool_call>", kind: "tool_call" },
  { text: "<function=", kind: "function" },
  { text: "[TOOL_CALLS]", kind: "mistral" },
  { text: "<|python_tag|>", kind: "python_tag" },
  // Llama 4's spelling of the same envelope, closed by <|python_end|>.
  { text: "<|python_start|>", kind: "python_tag" },
];

interface Segment {
  calls: TextToolCall[];
  format: TextCallFormat;
  /** Index just past the markup this segment consumed. */
  end: number;
}

/**
 * Tool calls written as text in `content`, or undefined when it holds none meant to run. Never throws.
 *
 * A response is all or nothing: every call in it must be well formed and name an offered tool (exactly, or with
 * a `functions.` prefix), else the whole response is treated as holding no call, so a half-understood answer is
 * never half executed. Explicit markers (`<tool_call>`, `<function=`, `[TOOL_CALLS]`, `<|python_tag|>`,
 * `<|python_start|>`) count wherever they stand except inside a fenced code block or inline code. Bare JSON counts only when it is the
 * whole content (optionally inside one ```json fence), so JSON shown in an explanation is not a call, and only
 * when it has the call shape (`name` with `arguments` or `parameters`), so a JSON answer that is data is not one.
 */
export function recoverTextToolCalls(
  content: string,
  tools: readonly OfferedTool[],
): RecoveredCalls | undefined {
  try {
    if (tools.length === 0) return undefined;
    const marked = recoverMarked(content, tools);
    if (marked === "invalid") return undefined;
    return marked ?? recoverBareJson(content, tools);
  } catch {
    return undefined;
  }
}

/**
 * For streaming display: the index in `text` (the content streamed so far) from which it could be, or could
 * still become, a text tool call — an explicit marker (or a partial marker at the very end, e.g. "<tool_"),
 * or a content whose first non-space characters start a bare JSON object/array or a ```json fence —
 * else undefined. Text before that index is safe to show now.
 */
export function textToolCallStart(text: string): number | undefined {
  const candidates = [nextMarker(text, 0)?.index, partialMarkerAtEnd(text), leadingJsonStart(text)];
  const found = candidates.filter((index): index is number => index !== undefined);
  return found.length === 0 ? undefined : Math.min(...found);
}

/** The calls behind explicit markers; "invalid" when a marked call is malformed or names an unknown tool. */
function recoverMarked(
  content: string,
  tools: readonly OfferedTool[],
): RecoveredCalls | "invalid" | undefined {
  const calls: TextToolCall[] = [];
  const prose: string[] = [];
  let format: TextCallFormat | undefined;
  let pos = 0;
  for (let marker = nextMarker(content, 0); marker; marker = nextMarker(content, pos)) {
    const segment = parseSegment(content, marker, tools);
    // A malformed or unknown call anywhere means no call at all, not a fall-back to bare JSON.
    if (!segment) return "invalid";
    prose.push(content.slice(pos, marker.index));
    calls.push(...segment.calls);
    format ??= segment.format;
    pos = segment.end;
  }
  if (format === undefined) return undefined;
  prose.push(content.slice(pos));
  return { calls, text: prose.join("").trim(), format };
}

function recoverBareJson(content: string, tools: readonly OfferedTool[]): RecoveredCalls | undefined {
  const body = unfence(content.trim());
  if (!body.startsWith("{") && !body.startsWith("[")) return undefined;
  const values = parseJsonSequence(body);
  if (!values) return undefined;
  const calls = toCalls(values.length === 1 ? values[0] : values, tools, true);
  return calls && { calls, text: "", format: "json" };
}

function parseSegment(
  content: string,
  marker: FoundMarker,
  tools: readonly OfferedTool[],
): Segment | undefined {
  const start = marker.index;
  const after = start + marker.text.length;
  switch (marker.kind) {
    case "tool_call":
      return parseToolCallTag(content, start, tools);
    case "function": {
      const segment = parseXmlCalls(
        content,
        start,
        nextMarker(content, start + 1)?.index ?? content.length,
        tools,
      );
      // Qwen3-Coder sometimes drops the opening `<tool_call>` but still writes the closing one.
      const next = segment && skipSpace(content, segment.end);
      return segment && next !== undefined && content.startsWith("</tool_call>", next)
        ? { ...segment, end: next + "</tool_call>".length }
        : segment;
    }
    case "mistral":
      return parseMistral(content, after, tools);
    case "python_tag":
      return parsePythonTag(content, after, tools);
  }
}

/**
 * `<tool_call>` holding JSON (Hermes) or `<function=` XML (Qwen3-Coder); the closing tag may be missing.
 * JSON is read value by value, so a `</tool_call>` inside a JSON string (a file's content) does not cut it.
 */
function parseToolCallTag(
  content: string,
  start: number,
  tools: readonly OfferedTool[],
): Segment | undefined {
  const bodyStart = start + "<tool_call>".length;
  const first = skipSpace(content, bodyStart);
  if (content.startsWith("<function=", first)) {
    const close = content.indexOf("</tool_call>", first);
    const reopen = content.indexOf("<tool_call>", first);
    const closed = close !== -1 && (reopen === -1 || close < reopen);
    const bodyEnd = closed ? close : reopen === -1 ? content.length : reopen;
    const segment = parseXmlCalls(content, first, bodyEnd, tools);
    if (!segment || skipSpace(content, segment.end) < bodyEnd) return undefined;
    return { ...segment, end: closed ? close + "</tool_call>".length : bodyEnd };
  }
  const values: unknown[] = [];
  let pos = first;
  while (pos < content.length && !content.startsWith("<tool_call>", pos)) {
    if (content.startsWith("</tool_call>", pos)) {
      pos += "</tool_call>".length;
      break;
    }
    const scanned = parseJsonAt(content, pos);
    if (!scanned) return undefined;
    values.push(scanned.value);
    pos = skipSpace(content, scanned.end);
  }
  const calls =
    values.length > 0 ? toCalls(values.length === 1 ? values[0] : values, tools, false) : undefined;
  return calls && { calls, format: "hermes", end: pos };
}

/** One or more `<function=` blocks from `start`, before `limit`, with only whitespace between them. */
function parseXmlCalls(
  content: string,
  start: number,
  limit: number,
  tools: readonly OfferedTool[],
): Segment | undefined {
  const calls: TextToolCall[] = [];
  let pos = start;
  let end = start;
  while (pos < limit && content.startsWith("<function=", pos)) {
    const block = parseXmlFunction(content, pos, limit);
    const tool = block && findTool(block.name, tools);
    if (!block || !tool) return undefined;
    let args: Record<string, unknown> = typedArguments(block.parameters, tool.parameters);
    if (block.jsonBody !== undefined) {
      const parsed = argumentsObject(block.jsonBody);
      if (!parsed) return undefined;
      args = parsed;
    }
    calls.push({ name: tool.name, arguments: args });
    end = block.end;
    pos = skipSpace(content, end);
  }
  return calls.length > 0 ? { calls, format: "qwen-xml", end } : undefined;
}

/** `[TOOL_CALLS][{...}]` (v3 and earlier) or `[TOOL_CALLS]name[ARGS]{...}` (v11 and later). */
function parseMistral(content: string, from: number, tools: readonly OfferedTool[]): Segment | undefined {
  const start = skipSpace(content, from);
  let calls: TextToolCall[] | undefined;
  let end: number;
  if (content[start] === "[" || content[start] === "{") {
    const scanned = parseJsonAt(content, start);
    calls = scanned && toCalls(scanned.value, tools, false);
    if (!scanned || !calls) return undefined;
    end = scanned.end;
  } else {
    const name = /^[\w.-]+/.exec(content.slice(start))?.[0];
    const tool = name === undefined ? undefined : findTool(name, tools);
    if (name === undefined || !tool) return undefined;
    let pos = start + name.length;
    const callId = /^\[CALL_ID\][\w-]*/.exec(content.slice(pos));
    if (callId) pos += callId[0].length;
    if (content.startsWith("[ARGS]", pos)) pos += "[ARGS]".length;
    const scanned = parseJsonAt(content, skipSpace(content, pos));
    const args = scanned && argumentsValue(scanned.value);
    if (!scanned || !args) return undefined;
    calls = [{ name: tool.name, arguments: args }];
    end = scanned.end;
  }
  const after = skipSpace(content, end);
  if (content.startsWith("[/TOOL_CALLS]", after)) end = after + "[/TOOL_CALLS]".length;
  return { calls, format: "mistral", end };
}

/** `<|python_tag|>{...}` with more calls separated by `;`, as Llama 3.1 writes them (Llama 4: `<|python_start|>`). */
function parsePythonTag(content: string, from: number, tools: readonly OfferedTool[]): Segment | undefined {
  const calls: TextToolCall[] = [];
  let pos = skipSpace(content, from);
  for (;;) {
    const scanned = parseJsonAt(content, pos);
    const more = scanned && toCalls(scanned.value, tools, false);
    if (!scanned || !more) return undefined;
    calls.push(...more);
    pos = scanned.end;
    const next = skipSpace(content, pos);
    if (content[next] !== ";") break;
    pos = skipSpace(content, next + 1);
    if (content[pos] !== "{") break;
  }
  const end = /^\s*<\|(eom_id|eot_id|python_end)\|>/.exec(content.slice(pos));
  return { calls, format: "llama", end: end ? pos + end[0].length : pos };
}

/** A call object, or an array of them, as calls to offered tools; undefined if any one is not. */
function toCalls(value: unknown, tools: readonly OfferedTool[], strict: boolean): TextToolCall[] | undefined {
  const items = Array.isArray(value) ? value : [value];
  if (items.length === 0) return undefined;
  const calls: TextToolCall[] = [];
  for (const item of items) {
    const call = toCall(item, tools, strict);
    if (!call) return undefined;
    calls.push(call);
  }
  return calls;
}

const BARE_CALL_KEYS = new Set(["name", "arguments", "parameters", "type", "id", "function"]);

/**
 * `{name, arguments}`, Llama's `{name, parameters}` (with or without `"type": "function"`), or OpenAI's
 * `{type: "function", function: {name, arguments}}`. `strict` (bare JSON) also demands the arguments key and
 * no keys besides these, so data that merely has a `name` is not taken for a call.
 */
function toCall(value: unknown, tools: readonly OfferedTool[], strict: boolean): TextToolCall | undefined {
  if (!isRecord(value)) return undefined;
  if (strict && Object.keys(value).some((key) => !BARE_CALL_KEYS.has(key))) return undefined;
  if (isRecord(value.function)) return toCall(value.function, tools, strict);
  if (typeof value.name !== "string") return undefined;
  const tool = findTool(value.name, tools);
  if (!tool) return undefined;
  const hasArgs = "arguments" in value || "parameters" in value;
  if (strict && !hasArgs) return undefined;
  const args = hasArgs ? argumentsValue(value.arguments ?? value.parameters) : {};
  return args && { name: tool.name, arguments: args };
}

/** Arguments given as an object, as a JSON string of one (`"{\"path\":\"a\"}"`, "" for none), or null. */
function argumentsValue(value: unknown): Record<string, unknown> | undefined {
  if (value === null || value === undefined) return {};
  if (typeof value === "string") return value.trim() === "" ? {} : argumentsObject(value);
  return isRecord(value) ? value : undefined;
}

function argumentsObject(json: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(json);
    return isRecord(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

function findTool(name: string, tools: readonly OfferedTool[]): OfferedTool | undefined {
  const bare = name.startsWith("functions.") ? name.slice("functions.".length) : name;
  return tools.find((tool) => tool.name === name) ?? tools.find((tool) => tool.name === bare);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The body of a content that is exactly one fenced block with no or a `json` info string; else the text. */
function unfence(text: string): string {
  const match = /^```[ \t]*(json)?[ \t]*\r?\n([\s\S]*?)\r?\n?```$/i.exec(text);
  return match ? (match[2] ?? "").trim() : text;
}

interface FoundMarker {
  /** Where the marker starts. */
  index: number;
  /** The marker as written. */
  text: string;
  kind: MarkerKind;
}

/** The first complete marker at or after `from` that is not inside code. */
function nextMarker(text: string, from: number): FoundMarker | undefined {
  const spans = codeSpans(text.slice(from));
  let best: FoundMarker | undefined;
  for (const marker of MARKERS) {
    let index = text.indexOf(marker.text, from);
    while (index !== -1 && insideCode(spans, index - from)) index = text.indexOf(marker.text, index + 1);
    if (index !== -1 && (best === undefined || index < best.index)) best = { index, ...marker };
  }
  return best;
}

/** Where the text ends with the start of a marker (e.g. "<tool_"), outside code. */
function partialMarkerAtEnd(text: string): number | undefined {
  const longest = Math.max(...MARKERS.map((marker) => marker.text.length)) - 1;
  for (let length = Math.min(text.length, longest); length >= 1; length--) {
    const tail = text.slice(text.length - length);
    if (!MARKERS.some((marker) => marker.text.length > length && marker.text.startsWith(tail))) continue;
    const index = text.length - length;
    return insideCode(codeSpans(text), index) ? undefined : index;
  }
  return undefined;
}

/** Where a content that (so far) opens with a JSON object/array or a ```json fence starts. */
function leadingJsonStart(text: string): number | undefined {
  const start = skipSpace(text, 0);
  const rest = text.slice(start);
  if (rest === "") return undefined;
  if (rest.startsWith("{")) return start;
  if (rest.startsWith("[")) {
    const next = rest.slice(skipSpace(rest, 1), skipSpace(rest, 1) + 1);
    return next === "" || /[{["\d\]-]/.test(next) ? start : undefined;
  }
  if ("```json".startsWith(rest.slice(0, 7).toLowerCase()) && rest.length < 7) return start;
  const fence = /^```[ \t]*(json)?[ \t]*(\r?\n|$)/i.exec(rest);
  if (!fence) return undefined;
  const body = rest.slice(fence[0].length).trimStart();
  return body === "" || body.startsWith("{") || body.startsWith("[") ? start : undefined;
}
