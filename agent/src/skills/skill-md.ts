// SKILL.md: YAML front matter (name, description, status, allowed_tools, args, usage) then a human-readable spec.
// Parsed with the yaml package (data only, nothing evaluated) and validated with zod; the status line is edited in place.
import { parse as parseYaml } from "yaml";
import { z } from "zod";
import { SkillMdError } from "./skill-errors.js";

export const SKILL_STATUSES = ["proposed", "approved", "deprecated"] as const;
export type SkillStatus = (typeof SKILL_STATUSES)[number];

export const ARG_TYPES = ["string", "integer", "number", "boolean", "list"] as const;
export type ArgType = (typeof ARG_TYPES)[number];

/** Arguments every skill takes without declaring them. */
export const RESERVED_ARGS = ["dry_run"] as const;

const argValue = z.union([z.string(), z.number(), z.boolean(), z.array(z.string())]);

const argSchema = z.strictObject({
  name: z.string().regex(/^[a-z][a-z0-9_]*$/, "a lowercase name of letters, digits and '_'"),
  type: z.enum(ARG_TYPES).default("string"),
  required: z.boolean().default(false),
  default: argValue.optional(),
  /** Allowed values (strings only). */
  enum: z.array(z.string()).min(1).optional(),
  description: z.string().optional(),
});

export type SkillArgSpec = z.infer<typeof argSchema>;

const frontMatterSchema = z
  .strictObject({
    name: z.string().regex(/^[a-z][a-z0-9_-]{0,63}$/, "a lowercase name of letters, digits, '-' or '_'"),
    description: z.string().min(1),
    status: z.enum(SKILL_STATUSES),
    allowed_tools: z.array(z.string().regex(/^[\w.-]+$/, "a tool name")).default([]),
    args: z.array(argSchema).default([]),
    usage: z.string().min(1).optional(),
  })
  .superRefine((value, ctx) => {
    const seen = new Set<string>();
    value.args.forEach((arg, i) => {
      if (seen.has(arg.name))
        ctx.addIssue({ code: "custom", path: ["args", i, "name"], message: "duplicate" });
      seen.add(arg.name);
      if ((RESERVED_ARGS as readonly string[]).includes(arg.name)) {
        ctx.addIssue({ code: "custom", path: ["args", i, "name"], message: `"${arg.name}" is reserved` });
      }
      if (arg.default !== undefined && !defaultFits(arg)) {
        ctx.addIssue({ code: "custom", path: ["args", i, "default"], message: `not a ${arg.type}` });
      }
      if (arg.enum && arg.type !== "string") {
        ctx.addIssue({ code: "custom", path: ["args", i, "enum"], message: "enum needs type string" });
      }
    });
  });

export type SkillManifest = z.infer<typeof frontMatterSchema>;

/** A parsed SKILL.md. */
export interface SkillMd {
  /** The validated front matter. */
  manifest: SkillManifest;
  /** The spec after the front matter. */
  body: string;
}

function defaultFits(arg: SkillArgSpec): boolean {
  const value = arg.default;
  switch (arg.type) {
    case "string":
      return typeof value === "string" && (!arg.enum || arg.enum.includes(value));
    case "integer":
      return typeof value === "number" && Number.isInteger(value);
    case "number":
      return typeof value === "number";
    case "boolean":
      return typeof value === "boolean";
    case "list":
      return Array.isArray(value);
  }
}

const FENCE = /^---[ \t]*\r?\n([\s\S]*?)\r?\n---[ \t]*(?:\r?\n|$)/;

/** Splits the front matter from the body; undefined when the file does not start with a `---` block. */
function splitFrontMatter(text: string): { yaml: string; body: string; end: number } | undefined {
  const match = FENCE.exec(text.replace(/^\uFEFF/, ""));
  if (!match) return undefined;
  return { yaml: match[1] ?? "", body: text.slice(match[0].length), end: match[0].length };
}

/** Parses and validates a SKILL.md. Throws SkillMdError naming the field and what is expected. */
export function parseSkillMd(text: string): SkillMd {
  const parts = splitFrontMatter(text);
  if (!parts) {
    throw new SkillMdError(
      "SKILL.md must start with YAML front matter between two '---' lines (name, description, status, allowed_tools, args).",
    );
  }
  let data: unknown;
  try {
    data = parseYaml(parts.yaml, { schema: "core", maxAliasCount: 20, logLevel: "error" });
  } catch (error) {
    const reason = error instanceof Error ? (error.message.split("\n")[0] ?? "") : String(error);
    throw new SkillMdError(`The front matter is not valid YAML: ${reason}`);
  }
  const result = frontMatterSchema.safeParse(data ?? {});
  if (!result.success) {
    const issue = result.error.issues[0];
    const where = issue?.path.join(".") || "(front matter)";
    throw new SkillMdError(`Invalid front matter at ${where}: ${issue?.message ?? "invalid"}.`);
  }
  return { manifest: result.data, body: parts.body.trim() };
}

const STATUS_LINE = /^status:[^\n]*$/m;

/** The text with the front matter's status line set to `status`; nothing else changes. */
export function setSkillStatus(text: string, status: SkillStatus): string {
  const parts = splitFrontMatter(text);
  if (!parts || !STATUS_LINE.test(parts.yaml)) {
    throw new SkillMdError("SKILL.md has no 'status:' line in its front matter; add 'status: proposed'.");
  }
  const offset = text.length - text.replace(/^\uFEFF/, "").length;
  const head = text.slice(0, offset + parts.end).replace(STATUS_LINE, `status: ${status}`);
  return head + text.slice(offset + parts.end);
}

/** The text with the front matter's status line blanked, so approving (which sets it) keeps the hash. */
export function normaliseStatus(text: string): string {
  const parts = splitFrontMatter(text);
  if (!parts) return text;
  const offset = text.length - text.replace(/^\uFEFF/, "").length;
  const head = text.slice(0, offset + parts.end).replace(STATUS_LINE, "status:");
  return head + text.slice(offset + parts.end);
}
