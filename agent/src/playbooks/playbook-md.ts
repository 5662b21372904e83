// A playbook file: YAML front matter (name, description, keywords) and a Markdown body of advice the model
// gets when a prompt is about its subject. Parsed with the yaml package and validated with zod.
import { namedError } from "@ts-coding-agent/mcp-kit/named-error";
import { parse as parseYaml } from "yaml";
import { z } from "zod";

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

const FENCE = /^\uFEFF?---[ \t]*\r?\n([\s\S]*?)\r?\n---[ \t]*(?:\r?\n|$)/;

/** Parses a playbook. Throws PlaybookMdError naming the field and what is expected. */
export function parsePlaybookMd(text: string): PlaybookMd {
  const match = FENCE.exec(text);
  if (!match) {
    throw new PlaybookMdError(
      "a playbook must start with YAML front matter between two '---' lines (name, description, keywords).",
    );
  }
  let data: unknown;
  try {
    data = parseYaml(match[1] ?? "", { schema: "core", maxAliasCount: 20, logLevel: "error" });
  } catch (error) {
    const reason = error instanceof Error ? (error.message.split("\n")[0] ?? "") : String(error);
    throw new PlaybookMdError(`the front matter is not valid YAML: ${reason}`);
  }
  const result = frontMatterSchema.safeParse(data ?? {});
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new PlaybookMdError(
      `invalid front matter at ${issue?.path.join(".") || "(top level)"}: ${issue?.message ?? "invalid"}`,
    );
  }
  return { ...result.data, body: text.slice(match[0].length).trim() };
}
