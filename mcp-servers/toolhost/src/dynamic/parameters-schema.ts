// A dynamic tool's `parameters`: checked to be a JSON Schema object (draft-07 meta-schema, `type: "object"`
// with `properties`, compilable), and compiled into a validator whose errors name the offending field.
import type { Ajv, ErrorObject } from "ajv";

/** A JSON Schema object (`type: "object"` with `properties`), as a tool's `parameters`. */
export type JsonSchema = Record<string, unknown>;

/** Largest `parameters` schema (as JSON); the hub drops tools whose schema is over 20,000 characters. */
export const MAX_PARAMETERS_CHARS = 16_000;
const MAX_ERRORS_SHOWN = 5;

/** Checks one call's arguments; returns the problems (naming each field) or undefined when they are valid. */
export type ArgumentValidator = (args: Record<string, unknown>) => string | undefined;

export type SchemaCheck = { ok: true; schema: JsonSchema } | { ok: false; message: string };

let loading: Promise<Ajv> | undefined;
// Loaded with the first dynamic tool, so a toolhost without any does not carry it.
function loadAjv(): Promise<Ajv> {
  loading ??= import("ajv").then(
    // Formats are annotations only (no ajv-formats): a model's "format": "date" must not make a tool unloadable.
    ({ Ajv }) => new Ajv({ allErrors: true, strict: false, validateFormats: false, logger: false }),
  );
  return loading;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * Validates `parameters` as the JSON Schema of a tool's arguments. `$schema`, `$id` and `id` are dropped: the
 * schema is always read as draft-07, and ids would collide between tools.
 */
export async function checkParametersSchema(parameters: unknown): Promise<SchemaCheck> {
  if (!isPlainObject(parameters)) {
    return {
      ok: false,
      message:
        'parameters must be a JSON Schema object such as {"type":"object","properties":{"path":{"type":"string"}},"required":["path"]}.',
    };
  }
  const { $schema: _schema, $id: _dollarId, id: _id, ...schema } = parameters;
  if (schema.type !== "object") {
    return {
      ok: false,
      message: 'parameters must have "type": "object" (tool arguments are always an object).',
    };
  }
  if (!isPlainObject(schema.properties)) {
    return {
      ok: false,
      message: 'parameters must have "properties": an object mapping each argument name to its schema.',
    };
  }
  const size = JSON.stringify(schema).length;
  if (size > MAX_PARAMETERS_CHARS) {
    return {
      ok: false,
      message: `parameters is ${size} characters of JSON, over the ${MAX_PARAMETERS_CHARS} limit; shorten the descriptions.`,
    };
  }
  const ajv = await loadAjv();
  if (!ajv.validateSchema(schema)) {
    const errors = (ajv.errors ?? []).slice(0, MAX_ERRORS_SHOWN);
    return {
      ok: false,
      message: `parameters is not a valid JSON Schema: ${ajv.errorsText(errors, { dataVar: "parameters" })}.`,
    };
  }
  try {
    ajv.compile(schema);
    // Only a trial: the validator a loaded tool uses is compiled again, so this one must not stay cached.
    ajv.removeSchema(schema);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return { ok: false, message: `parameters is not a usable JSON Schema: ${message}.` };
  }
  return { ok: true, schema };
}

/** `/items/0/name` → `items[0].name`. */
function fieldName(instancePath: string, child?: string): string {
  const parts = instancePath
    .split("/")
    .slice(1)
    .map((part) => part.replaceAll("~1", "/").replaceAll("~0", "~"));
  if (child !== undefined) parts.push(child);
  let name = "";
  for (const part of parts) name += /^\d+$/.test(part) ? `[${part}]` : name === "" ? part : `.${part}`;
  return name;
}

function describeError(error: ErrorObject): string {
  const params = error.params as Record<string, unknown>;
  if (error.keyword === "required" && typeof params.missingProperty === "string") {
    return `"${fieldName(error.instancePath, params.missingProperty)}" is required`;
  }
  if (error.keyword === "additionalProperties" && typeof params.additionalProperty === "string") {
    return `"${fieldName(error.instancePath, params.additionalProperty)}" is not an allowed argument`;
  }
  const field = fieldName(error.instancePath);
  const allowed = Array.isArray(params.allowedValues) ? ` (${JSON.stringify(params.allowedValues)})` : "";
  return `${field === "" ? "the arguments" : `"${field}"`} ${error.message ?? "is invalid"}${allowed}`;
}

/** Compiles the validator for a schema that passed checkParametersSchema. */
export async function createArgumentValidator(schema: JsonSchema): Promise<ArgumentValidator> {
  const validate = (await loadAjv()).compile(schema);
  return (args) => {
    if (validate(args)) return undefined;
    const errors = validate.errors ?? [];
    const shown = errors.slice(0, MAX_ERRORS_SHOWN).map(describeError);
    const more = errors.length > shown.length ? ` (and ${errors.length - shown.length} more)` : "";
    return `${shown.join("; ")}${more}`;
  };
}
