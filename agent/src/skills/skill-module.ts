// Loads skill.ts: the import rule first, then TypeScript's transpileModule to an .mjs in a private cache dir
// (named by content hash, so an edit loads fresh code) and import(). Works from source and from dist.
import { mkdir, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir, userInfo } from "node:os";
import { join } from "node:path";
import type ts from "typescript";
import { checkSkillImports } from "./import-check.js";
import type { SkillRun } from "./skill-api.js";
import { SkillLoadError } from "./skill-errors.js";
import { typescript } from "./typescript.js";

/** A loaded skill module. */
export interface SkillModule {
  /** The exported run(args, ctx). */
  run: SkillRun;
}

/** Where transpiled skills go unless told otherwise: per user, under the OS temp dir. */
export function defaultSkillCacheDir(): string {
  let user = "user";
  try {
    user = userInfo().username.replace(/[^\w.-]/g, "_");
  } catch {
    // no passwd entry (a container with an arbitrary uid): the shared name still works
  }
  return join(tmpdir(), `ts-coding-agent-skills-${user}`);
}

// The cache dir has no node_modules above it, so bare specifiers are rewritten to absolute paths the agent
// itself resolved (only allow-listed modules reach this point).
const require = createRequire(import.meta.url);
const resolvedModules = new Map<string, string>([["typescript", require.resolve("typescript")]]);

function rewriteSpecifiers(): ts.TransformerFactory<ts.SourceFile> {
  const ts = typescript();
  return (context) => (file) => {
    const visit = (node: ts.Node): ts.Node => {
      if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
        const target = resolvedModules.get(node.moduleSpecifier.text);
        if (target) {
          return context.factory.updateImportDeclaration(
            node,
            node.modifiers,
            node.importClause,
            context.factory.createStringLiteral(target),
            node.attributes,
          );
        }
      }
      return node;
    };
    return ts.visitEachChild(file, visit, context);
  };
}

/**
 * Checks, transpiles and imports a skill. Throws SkillLoadError for a refused import, a syntax error, or a
 * module without an exported `run` function.
 */
export async function loadSkillModule(
  name: string,
  source: string,
  hash: string,
  cacheDir: string,
): Promise<SkillModule> {
  const ts = typescript();
  const violations = checkSkillImports(source);
  if (violations.length) {
    const list = violations.map((v) => `line ${v.line}: ${v.message}`).join("; ");
    throw new SkillLoadError(`skills/${name}/skill.ts is refused: ${list}`);
  }
  const output = ts.transpileModule(source, {
    fileName: "skill.ts",
    reportDiagnostics: true,
    compilerOptions: {
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.ESNext,
      esModuleInterop: true,
      verbatimModuleSyntax: false,
    },
    transformers: { before: [rewriteSpecifiers()] },
  });
  const syntax = (output.diagnostics ?? []).filter((d) => d.category === ts.DiagnosticCategory.Error);
  if (syntax.length) {
    const first = syntax[0];
    const text = first ? ts.flattenDiagnosticMessageText(first.messageText, " ") : "syntax error";
    const line =
      first?.file && first.start !== undefined
        ? ` (line ${first.file.getLineAndCharacterOfPosition(first.start).line + 1})`
        : "";
    throw new SkillLoadError(`skills/${name}/skill.ts does not compile${line}: ${text}`);
  }
  await mkdir(cacheDir, { recursive: true, mode: 0o700 });
  const file = join(cacheDir, `${name}-${hash.slice(0, 24)}.mjs`);
  await writeFile(file, output.outputText, { mode: 0o600 });
  let loaded: Record<string, unknown>;
  try {
    loaded = (await import(file)) as Record<string, unknown>;
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new SkillLoadError(`skills/${name}/skill.ts failed to load: ${reason}`);
  }
  const run = loaded.run;
  if (typeof run !== "function") {
    throw new SkillLoadError(
      `skills/${name}/skill.ts must export a function run(args, ctx); add "export async function run(...)".`,
    );
  }
  return { run: run as SkillRun };
}
