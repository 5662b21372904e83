// A small JSON Schema → TypeScript type printer for code mode's declarations: the types a tool's arguments
// have, compactly (objects, arrays, unions, enums, optional fields), with descriptions as short comments.

/** A JSON Schema node as tools send it (only what the printer reads is typed). */
type Schema = Record<string, unknown>;

/** Deeper nesting is printed as `object`: the model rarely needs it, and the prompt pays for every level. */
const MAX_DEPTH = 4;
/** Longest comment kept for a description (its first sentence, cut at a word). */
export const MAX_COMMENT_CHARS = 80;
const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

function isSchema(value: unknown): value is Schema {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** A property or method name as TypeScript accepts it: bare when an identifier, else a quoted string. */
export function propertyName(name: string): string {
  return IDENTIFIER.test(name) ? name : JSON.stringify(name);
}

/** The first sentence of a description, on one line, cut near MAX_COMMENT_CHARS; "" when there is none. */
export function shortComment(description: unknown): string {
  if (typeof description !== "string") return "";
  const oneLine = description.replace(/\s+/g, " ").trim();
  const first = /^.*?[.!?](?=\s|$)/.exec(oneLine)?.[0] ?? oneLine;
  const text =
    first.length <= MAX_COMMENT_CHARS
      ? first
      : `${first.slice(0, MAX_COMMENT_CHARS - 1).replace(/\s+\S*$/, "")}…`;
  // A comment must not end itself.
  return text.replace(/\*\//g, "* /");
}

function literal(value: unknown): string {
  return value === null || ["string", "number", "boolean"].includes(typeof value)
    ? JSON.stringify(value)
    : "unknown";
}

function union(parts: string[]): string {
  const unique = [...new Set(parts)];
  if (unique.includes("unknown")) return "unknown";
  return unique.length === 0 ? "never" : unique.join(" | ");
}

/** Wraps a union or function type in parentheses so `[]` applies to all of it. */
function arrayOf(type: string): string {
  return /[|&]/.test(type) ? `(${type})[]` : `${type}[]`;
}

function objectType(schema: Schema, depth: number, indent: string): string {
  const properties = isSchema(schema.properties) ? schema.properties : {};
  const required = new Set(
    Array.isArray(schema.required) ? schema.required.filter((r) => typeof r === "string") : [],
  );
  const names = Object.keys(properties);
  const extra = schema.additionalProperties;
  if (names.length === 0) {
    if (isSchema(extra)) return `Record<string, ${typeFor(extra, depth + 1, indent)}>`;
    // Declared properties, none of them: a tool without arguments.
    return extra === false || isSchema(schema.properties) ? "{}" : "Record<string, unknown>";
  }
  if (depth >= MAX_DEPTH) return "object";
  const inner = `${indent}  `;
  const members = names.map((name) => {
    const property = properties[name];
    const type = isSchema(property) ? typeFor(property, depth + 1, inner) : "unknown";
    const comment = isSchema(property) ? shortComment(property.description) : "";
    const member = `${propertyName(name)}${required.has(name) ? "" : "?"}: ${type};`;
    return { member, comment };
  });
  if (isSchema(extra))
    members.push({ member: `[key: string]: ${typeFor(extra, depth + 1, inner)};`, comment: "" });
  // Without comments an object fits on one line; with them, one member per line.
  if (members.every((m) => m.comment === "")) return `{ ${members.map((m) => m.member).join(" ")} }`;
  const lines = members.map((m) =>
    m.comment ? `${inner}/** ${m.comment} */\n${inner}${m.member}` : `${inner}${m.member}`,
  );
  return `{\n${lines.join("\n")}\n${indent}}`;
}

function typeOfName(name: string, schema: Schema, depth: number, indent: string): string {
  switch (name) {
    case "string":
      return "string";
    case "number":
    case "integer":
      return "number";
    case "boolean":
      return "boolean";
    case "null":
      return "null";
    case "array": {
      const items = schema.items;
      if (Array.isArray(items))
        return `[${items.map((item) => (isSchema(item) ? typeFor(item, depth + 1, indent) : "unknown")).join(", ")}]`;
      return arrayOf(isSchema(items) ? typeFor(items, depth + 1, indent) : "unknown");
    }
    case "object":
      return objectType(schema, depth, indent);
    default:
      return "unknown";
  }
}

/** The TypeScript type of values valid against `schema`. Unknown constructs ($ref, not, if) give `unknown`. */
export function typeFor(schema: Schema, depth = 0, indent = ""): string {
  if ("const" in schema) return literal(schema.const);
  if (Array.isArray(schema.enum)) return union(schema.enum.map(literal));
  for (const key of ["anyOf", "oneOf"] as const) {
    const options = schema[key];
    if (Array.isArray(options)) {
      return union(options.map((option) => (isSchema(option) ? typeFor(option, depth, indent) : "unknown")));
    }
  }
  if (Array.isArray(schema.allOf)) {
    const parts = schema.allOf.filter(isSchema).map((part) => typeFor(part, depth, indent));
    return parts.length === 0
      ? "unknown"
      : parts.map((part) => (part.includes("|") ? `(${part})` : part)).join(" & ");
  }
  const type = schema.type;
  if (Array.isArray(type)) return union(type.map((name) => typeOfName(String(name), schema, depth, indent)));
  if (typeof type === "string") return typeOfName(type, schema, depth, indent);
  // No type but properties: an object all the same (many servers leave `type` out of nested schemas).
  if (isSchema(schema.properties)) return objectType(schema, depth, indent);
  return "unknown";
}
