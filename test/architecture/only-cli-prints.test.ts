// cli/ is the only printer: no agent module outside it names process.stdout, process.stderr or console, so
// nothing below the front ends can write over the REPL's screen (they log through the injected logger).
import { readdir, readFile } from "node:fs/promises";
import { join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";
import { describe, expect, it } from "vitest";

const repoRoot = resolve(fileURLToPath(import.meta.url), "..", "..", "..");
const agentSrc = join(repoRoot, "agent", "src");

/** Every place in `source` that reaches the process's output: `process.stdout`, `process.stderr`, `console`. */
function printsIn(fileName: string, source: string): string[] {
  const file = ts.createSourceFile(fileName, source, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const found: string[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isPropertyAccessExpression(node) && ts.isIdentifier(node.expression)) {
      const target = node.expression.text;
      const name = node.name.text;
      if ((target === "process" && (name === "stdout" || name === "stderr")) || target === "console") {
        const { line } = file.getLineAndCharacterOfPosition(node.getStart(file));
        found.push(`${fileName}:${line + 1}: ${target}.${name}`);
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  return found;
}

async function typeScriptFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries
    .filter((entry) => entry.isFile() && entry.name.endsWith(".ts"))
    .map((entry) => join(entry.parentPath, entry.name));
}

describe("only cli/ prints", () => {
  it("no agent module outside cli/ (main.ts included) names process.stdout, process.stderr or console", async () => {
    const files = (await typeScriptFiles(agentSrc)).filter(
      (file) => !relative(agentSrc, file).startsWith(`cli/`),
    );
    expect(files.map((file) => relative(agentSrc, file))).toContain("main.ts");
    const prints: string[] = [];
    for (const file of files) {
      prints.push(...printsIn(relative(repoRoot, file), await readFile(file, "utf8")));
    }
    expect(prints).toEqual([]);
  });

  it("the scan finds writes to stdout, stderr and console, and ignores comments and program text in strings", () => {
    const source = [
      "// process.stdout.write in a comment",
      'const script = "process.stderr.write(1)";',
      "process.stdout.write('a');",
      "const err = process.stderr;",
      "console.log('b');",
      "process.stdin.resume();",
    ].join("\n");
    expect(printsIn("sample.ts", source)).toEqual([
      "sample.ts:3: process.stdout",
      "sample.ts:4: process.stderr",
      "sample.ts:5: console.log",
    ]);
  });
});
