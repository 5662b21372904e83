// The run_code API as the system prompt shows it: TypeScript declarations of `tools` (every tool the agent has),
// `skills` (the approved ones) and `artifacts`, printed from their JSON Schemas and kept under a size bound.
import type { ToolSpec } from "../loop/tools.js";
import { propertyName, shortComment, typeFor } from "./schema-to-ts.js";

/** Characters the declarations may take in the system prompt; beyond it tools are listed by name only. */
export const DEFAULT_MAX_DECLARATION_CHARS = 16_000;

/** Something code can call: a tool, or a skill (its arguments as a JSON Schema object). */
export type Callable = Pick<ToolSpec, "name" | "description" | "parameters">;

export interface CodeApiInput {
  /** Tools the code may call (the caller leaves out run_code and run_skill). */
  tools: readonly Callable[];
  /** Approved skills. */
  skills: readonly Callable[];
  /** Size bound of the whole text. Default DEFAULT_MAX_DECLARATION_CHARS. */
  maxChars?: number;
}

const HEADER = [
  "run_code runs TypeScript as the body of an async function in the sandbox: no network, no environment, no",
  "file access except through these objects. Every call returns the result's text (JSON.parse it when it is",
  "JSON); a failed call throws. Use await, loops and Promise.all; console.log and the returned value come back.",
  "Prefer one run_code over many separate steps.",
].join("\n");

const ARTIFACTS = `declare const artifacts: {
  /** Saves a string as is, any other value as JSON, in .agent/artifacts/<name>. */
  save(name: string, data: unknown): Promise<void>;
  /** The saved text; parsed JSON when the name ends in .json. */
  load(name: string): Promise<any>;
  list(): Promise<{ name: string; size: number }[]>;
};`;

function member(callable: Callable, withComment: boolean): string {
  const comment = withComment ? shortComment(callable.description) : "";
  const args = typeFor(callable.parameters, 0, "  ");
  const required = Array.isArray(callable.parameters.required) && callable.parameters.required.length > 0;
  const signature = `  ${propertyName(callable.name)}(args${required ? "" : "?"}: ${args}): Promise<string>;`;
  return comment ? `  /** ${comment} */\n${signature}` : signature;
}

function block(name: string, members: string[], omitted: string[]): string {
  const note =
    omitted.length === 0
      ? []
      : [
          `  // ${omitted.length} more, declarations left out for size (call them the same way): ${omitted.join(", ")}`,
        ];
  return `declare const ${name}: {\n${[...members, ...note].join("\n")}\n};`;
}

/**
 * The declarations text. When the full text would pass `maxChars`, descriptions are dropped first, then the
 * largest declarations are replaced by a note naming them, so every callable stays known by name.
 */
export function codeApiDeclarations(input: CodeApiInput): string {
  const maxChars = input.maxChars ?? DEFAULT_MAX_DECLARATION_CHARS;
  const render = (withComments: boolean, omit: ReadonlySet<string>): string => {
    const part = (name: string, callables: readonly Callable[]) => {
      const kept = callables.filter((c) => !omit.has(`${name}.${c.name}`));
      const omitted = callables.filter((c) => omit.has(`${name}.${c.name}`)).map((c) => c.name);
      return block(
        name,
        kept.map((c) => member(c, withComments)),
        omitted,
      );
    };
    const sections = [HEADER, "```ts", part("tools", input.tools)];
    if (input.skills.length > 0) sections.push(part("skills", input.skills));
    sections.push(ARTIFACTS, "```");
    return sections.join("\n");
  };
  const full = render(true, new Set());
  if (full.length <= maxChars) return full;
  const plain = render(false, new Set());
  if (plain.length <= maxChars) return plain;
  // Largest first: each one left out frees the most room for the others.
  const bySize = [
    ...input.tools.map((c) => ({ key: `tools.${c.name}`, size: member(c, false).length })),
    ...input.skills.map((c) => ({ key: `skills.${c.name}`, size: member(c, false).length })),
  ].sort((a, b) => b.size - a.size);
  const omit = new Set<string>();
  let text = plain;
  for (const { key } of bySize) {
    if (text.length <= maxChars) break;
    omit.add(key);
    text = render(false, omit);
  }
  // Only when even the names do not fit (thousands of tools): a hard cut that says so.
  return text.length <= maxChars
    ? text
    : `${text.slice(0, maxChars - 40)}\n// [declarations cut for size]\n\`\`\``;
}
