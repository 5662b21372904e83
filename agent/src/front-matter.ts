// YAML front matter between two `---` lines at the top of a Markdown file (SKILL.md, playbooks): split, parsed
// as data only with the yaml package (core schema, aliases capped) and validated with a zod schema.
import { parse as parseYaml } from "yaml";
import type { z } from "zod";

/** Where the front matter is: its YAML text, and the offset in the original text where the body starts. */
export interface FrontMatterSpan {
  /** The YAML between the fences. */
  yaml: string;
  /** Offset of the first character after the closing fence's line (a leading BOM counted). */
  bodyStart: number;
}

/** Why a file's front matter was refused; the caller words the message for its kind of file. */
export type FrontMatterProblem =
  /** The file does not start with a `---` block. */
  | { problem: "missing" }
  /** The block is not YAML; `reason` is the parser's first line. */
  | { problem: "yaml"; reason: string }
  /** The YAML does not match the schema; `path` is the first issue's dotted path ("" at the top level). */
  | { problem: "schema"; path: string; message: string };

export type FrontMatterResult<T> = { problem?: undefined; data: T; body: string } | FrontMatterProblem;

const FENCE = /^(\uFEFF?)---[ \t]*\r?\n([\s\S]*?)\r?\n---[ \t]*(?:\r?\n|$)/;

/** Finds the front matter; undefined when the text does not start (after an optional BOM) with a `---` block. */
export function splitFrontMatter(text: string): FrontMatterSpan | undefined {
  const match = FENCE.exec(text);
  if (!match) return undefined;
  return { yaml: match[2] ?? "", bodyStart: match[0].length };
}

/** Parses and validates the front matter of `text`; the body is what follows it, trimmed. Never throws. */
export function parseFrontMatter<S extends z.ZodType>(
  text: string,
  schema: S,
): FrontMatterResult<z.output<S>> {
  const span = splitFrontMatter(text);
  if (!span) return { problem: "missing" };
  let data: unknown;
  try {
    data = parseYaml(span.yaml, { schema: "core", maxAliasCount: 20, logLevel: "error" });
  } catch (error) {
    return {
      problem: "yaml",
      reason: error instanceof Error ? (error.message.split("\n")[0] ?? "") : String(error),
    };
  }
  const result = schema.safeParse(data ?? {});
  if (!result.success) {
    const issue = result.error.issues[0];
    return { problem: "schema", path: issue?.path.join(".") ?? "", message: issue?.message ?? "invalid" };
  }
  return { data: result.data, body: text.slice(span.bodyStart).trim() };
}
