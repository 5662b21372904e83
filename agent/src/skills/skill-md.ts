// SKILL.md: YAML front matter (name, description, status, allowed_tools, args, usage) then a human-readable spec.
// Parsed by front-matter.ts (yaml, data only, nothing evaluated) and validated with zod; the status line is edited in place.

import { z } from "zod";
import { parseFrontMatter, splitFrontMatter } from "../front-matter.js";
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

/** Parses and validates a SKILL.md. Throws SkillMdError naming the field and what is expected. */
export function parseSkillMd(text: string): SkillMd {
  const parsed = parseFrontMatter(text, frontMatterSchema);
  switch (parsed.problem) {
    case undefined:
      return { manifest: parsed.data, body: parsed.body };
    case "missing":
      throw new SkillMdError(
        "SKILL.md must start with YAML front matter between two '---' lines (name, description, status, allowed_tools, args).",
      );
    case "yaml":
      throw new SkillMdError(`The front matter is not valid YAML: ${parsed.reason}`);
    case "schema":
      throw new SkillMdError(
        `Invalid front matter at ${parsed.path || "(front matter)"}: ${parsed.message}.`,
      );
  }
}

const STATUS_LINE = /^status:[^\n]*$/m;

/** The text with the front matter's status line set to `status`; nothing else changes. */
export function setSkillStatus(text: string, status: SkillStatus): string {
  const span = splitFrontMatter(text);
  if (!span || !STATUS_LINE.test(span.yaml)) {
    throw new SkillMdError("SKILL.md has no 'status:' line in its front matter; add 'status: proposed'.");
  }
  return text.slice(0, span.bodyStart).replace(STATUS_LINE, `status: ${status}`) + text.slice(span.bodyStart);
}

/** The text with the front matter's status line blanked, so approving (which sets it) keeps the hash. */
export function normaliseStatus(text: string): string {
  const span = splitFrontMatter(text);
  if (!span) return text;
  return text.slice(0, span.bodyStart).replace(STATUS_LINE, "status:") + text.slice(span.bodyStart);
}
