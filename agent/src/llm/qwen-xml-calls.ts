// Reads Qwen3-Coder's XML tool-call body, `<function=NAME>` with `<parameter=P>value</parameter>` children,
// including the degraded form local models emit without closing tags; values are typed by the tool's schema.

/** One `<function=NAME>` block as written, before its values are typed. */
export interface XmlFunctionCall {
  /** The function name between `<function=` and `>`, trimmed. */
  name: string;
  /** Each parameter's raw text, whitespace rules applied, by parameter name. */
  parameters: Record<string, string>;
  /** A JSON body given instead of parameters (`<function=NAME>{...}</function>`), when that is the form. */
  jsonBody?: string;
  /** Index just past the block (past `</function>`, or where an unclosed block stops). */
  end: number;
}

const FUNCTION_OPEN = "<function=";
const FUNCTION_CLOSE = "</function>";
const PARAMETER_OPEN = "<parameter=";
const PARAMETER_CLOSE = "</parameter>";

/**
 * The `<function=` block starting at `start` and ending by `limit` at the latest, or undefined when it is not
 * well formed (no name, or text other than whitespace between parameters).
 *
 * A closed value loses one leading and one trailing newline (the model writes each value on its own lines).
 * A value without `</parameter>` runs to the next tag or the block's end; it also loses the spaces after the
 * tag and all trailing whitespace, since the model wrote it as `<parameter=P> value` on one line.
 */
export function parseXmlFunction(text: string, start: number, limit: number): XmlFunctionCall | undefined {
  if (!text.startsWith(FUNCTION_OPEN, start)) return undefined;
  const nameEnd = text.indexOf(">", start);
  if (nameEnd === -1 || nameEnd >= limit) return undefined;
  const name = text.slice(start + FUNCTION_OPEN.length, nameEnd).trim();
  if (name === "" || /[\s<]/.test(name)) return undefined;
  const bodyStart = nameEnd + 1;
  const close = indexBefore(text, FUNCTION_CLOSE, bodyStart, limit);
  const next = indexBefore(text, FUNCTION_OPEN, bodyStart, limit);
  const closed = close !== undefined && (next === undefined || close < next);
  const bodyEnd = closed ? close : (next ?? limit);
  const end = closed ? close + FUNCTION_CLOSE.length : bodyEnd;
  const body = text.slice(bodyStart, bodyEnd);
  if (!body.includes(PARAMETER_OPEN)) {
    const trimmed = body.trim();
    if (trimmed === "") return { name, parameters: {}, end };
    return trimmed.startsWith("{") ? { name, parameters: {}, jsonBody: trimmed, end } : undefined;
  }
  const parameters = parseParameters(body);
  return parameters && { name, parameters, end };
}

/** Converts raw parameter texts to the types the tool's JSON schema declares; see {@link typedValue}. */
export function typedArguments(
  parameters: Readonly<Record<string, string>>,
  schema: Readonly<Record<string, unknown>> | undefined,
): Record<string, unknown> {
  const args: Record<string, unknown> = {};
  for (const [name, raw] of Object.entries(parameters))
    args[name] = typedValue(raw, propertyType(schema, name));
  return args;
}

/**
 * `raw` as the schema type: number and integer via Number, boolean from true/false, object and array via
 * JSON.parse. A value that does not convert, a string, and an unknown type all stay the raw string, so the
 * tool's own validation can tell the model what was wrong.
 */
export function typedValue(raw: string, type: string | undefined): unknown {
  const text = raw.trim();
  switch (type) {
    case "number":
    case "integer": {
      const value = Number(text);
      const ok = text !== "" && Number.isFinite(value) && (type === "number" || Number.isInteger(value));
      return ok ? value : raw;
    }
    case "boolean":
      return text === "true" ? true : text === "false" ? false : raw;
    case "object":
    case "array":
      try {
        const value: unknown = JSON.parse(text);
        const isArray = Array.isArray(value);
        const fits = type === "array" ? isArray : typeof value === "object" && value !== null && !isArray;
        return fits ? value : raw;
      } catch {
        return raw;
      }
    default:
      return raw;
  }
}

function parseParameters(body: string): Record<string, string> | undefined {
  const parameters: Record<string, string> = {};
  let pos = 0;
  while (pos < body.length) {
    const open = body.indexOf(PARAMETER_OPEN, pos);
    if (body.slice(pos, open === -1 ? body.length : open).trim() !== "") return undefined;
    if (open === -1) break;
    const nameEnd = body.indexOf(">", open);
    if (nameEnd === -1) return undefined;
    const name = body.slice(open + PARAMETER_OPEN.length, nameEnd).trim();
    if (name === "" || /[\s<]/.test(name)) return undefined;
    const valueStart = nameEnd + 1;
    const close = body.indexOf(PARAMETER_CLOSE, valueStart);
    const next = body.indexOf(PARAMETER_OPEN, valueStart);
    if (close !== -1 && (next === -1 || close < next)) {
      parameters[name] = trimOneNewline(body.slice(valueStart, close));
      pos = close + PARAMETER_CLOSE.length;
    } else {
      const valueEnd = next === -1 ? body.length : next;
      parameters[name] = body
        .slice(valueStart, valueEnd)
        .replace(/^[ \t]*(\r?\n)?/, "")
        .trimEnd();
      pos = valueEnd;
    }
  }
  return parameters;
}

function trimOneNewline(value: string): string {
  return value.replace(/^\r?\n/, "").replace(/\r?\n$/, "");
}

function indexBefore(text: string, needle: string, from: number, limit: number): number | undefined {
  const index = text.indexOf(needle, from);
  return index === -1 || index + needle.length > limit ? undefined : index;
}

function propertyType(
  schema: Readonly<Record<string, unknown>> | undefined,
  name: string,
): string | undefined {
  const properties = schema?.properties;
  if (typeof properties !== "object" || properties === null) return undefined;
  const property: unknown = (properties as Record<string, unknown>)[name];
  if (typeof property !== "object" || property === null) return undefined;
  const type: unknown = (property as Record<string, unknown>).type;
  if (typeof type === "string") return type;
  if (Array.isArray(type)) return type.find((t): t is string => typeof t === "string" && t !== "null");
  return undefined;
}
