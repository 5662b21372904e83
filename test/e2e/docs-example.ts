// The worked example of docs/adding-an-mcp-server.md, taken from the document itself: its Dockerfile, its
// docker-compose.override.yml and its mcp.json, so the end-to-end test runs what a reader copies.
import { readFileSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { repoRoot } from "./compose-stack.js";

/** The code block right after the line that starts with `file` in backquotes (`mcp/everything/Dockerfile`, ...). */
function blockAfter(doc: string, file: string): string {
  const at = doc.indexOf(`\n\`${file}\``);
  const block = /```[a-z]*\n([\s\S]*?)```/.exec(doc.slice(at));
  if (at === -1 || block?.[1] === undefined) throw new Error(`No code block for ${file} in the document`);
  return block[1];
}

export interface DocsExample {
  /** The example's docker-compose.override.yml, its build context made absolute. */
  overrideFile: string;
  /** The example's mcp.json text. */
  mcpJson: string;
}

/** Writes the example's Dockerfile and override file under `root`. */
export async function writeDocsExample(root: string): Promise<DocsExample> {
  const doc = readFileSync(join(repoRoot, "docs", "adding-an-mcp-server.md"), "utf8");
  const context = join(root, "mcp", "everything");
  await mkdir(context, { recursive: true });
  await writeFile(join(context, "Dockerfile"), blockAfter(doc, "mcp/everything/Dockerfile"));
  const override = blockAfter(doc, "docker-compose.override.yml");
  // Relative paths resolve against the project (the repository); the example's folder lives in the temp root.
  if (!override.includes("build: ./mcp/everything\n"))
    throw new Error("The override no longer builds ./mcp/everything");
  const overrideFile = join(root, "docker-compose.override.yml");
  await writeFile(overrideFile, override.replace("build: ./mcp/everything\n", `build: ${context}\n`));
  return { overrideFile, mcpJson: blockAfter(doc, "config/mcp.json") };
}
