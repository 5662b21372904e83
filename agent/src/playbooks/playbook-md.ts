// A playbook file: YAML front matter (name, description, keywords) and a Markdown body of advice the model
// gets when a prompt is about its subject. Parsed by front-matter.ts and validated with zod.
import { namedError } from "@ts-coding-agent/mcp-kit/named-error";
import { z } from "zod";
import { parseFrontMatter } from "../front-matter.js";

/** A playbook whose front matter is missing or invalid. */
export class PlaybookMdError extends namedError("PlaybookMdError") {}

const frontMatterSchema = z.strictObject({
  name: z.string().min(1).max(80),
  description: z.string().min(1),
  /** A YAML list, or one comma-separated string. */
  keywords: z
    .union([z.array(z.string()), z.string()])
    .default([])
    .transform((value) =>
      (Array.isArray(value) ? value : value.split(",")).map((k) => k.trim()).filter(Boolean),
    ),
});

/** The validated front matter and the body of a playbook. */
export interface PlaybookMd {
  /** Short title. */
  name: string;
  /** One line on when it helps. */
  description: string;
  /** Words a prompt about it would use. */
  keywords: string[];
  /** The advice (Markdown). */
  body: string;
}

/** Parses a playbook. Throws PlaybookMdError naming the field and what is expected. */
export function parsePlaybookMd(text: string): PlaybookMd {
  const parsed = parseFrontMatter(text, frontMatterSchema);
  switch (parsed.problem) {
    case undefined:
      return { ...parsed.data, body: parsed.body };
    case "missing":
      throw new PlaybookMdError(
        "a playbook must start with YAML front matter between two '---' lines (name, description, keywords).",
      );
    case "yaml":
      throw new PlaybookMdError(`the front matter is not valid YAML: ${parsed.reason}`);
    case "schema":
      throw new PlaybookMdError(`invalid front matter at ${parsed.path || "(top level)"}: ${parsed.message}`);
  }
}
