// Turns a dynamic tool's TypeScript or JavaScript source into an ES module with TypeScript's transpileModule;
// syntax errors come back with line and column, and a module without a default export is refused.
import type TypeScript from "typescript";

/** Largest source create_tool accepts. */
export const MAX_CODE_CHARS = 100_000;
const MAX_DIAGNOSTICS_SHOWN = 5;

export type CompileOutcome = { ok: true; javascript: string } | { ok: false; message: string };

export type Ts = typeof TypeScript;
let loading: Promise<Ts> | undefined;
// TypeScript costs the toolhost about 80 MB: load it only once a dynamic tool is compiled.
export function loadTypeScript(): Promise<Ts> {
  loading ??= import("typescript").then((module) => module.default);
  return loading;
}

function hasDefaultExport(ts: Ts, source: TypeScript.SourceFile): boolean {
  return source.statements.some((statement) => {
    if (ts.isExportAssignment(statement)) return !statement.isExportEquals;
    if (ts.isExportDeclaration(statement)) {
      const clause = statement.exportClause;
      return (
        clause !== undefined &&
        ts.isNamedExports(clause) &&
        clause.elements.some((element) => element.name.text === "default")
      );
    }
    const modifiers = ts.canHaveModifiers(statement) ? ts.getModifiers(statement) : undefined;
    const kinds = new Set(modifiers?.map((modifier) => modifier.kind));
    return kinds.has(ts.SyntaxKind.ExportKeyword) && kinds.has(ts.SyntaxKind.DefaultKeyword);
  });
}

export function describeDiagnostic(ts: Ts, diagnostic: TypeScript.Diagnostic): string {
  const text = ts.flattenDiagnosticMessageText(diagnostic.messageText, " ");
  if (diagnostic.file === undefined || diagnostic.start === undefined) return text;
  const { line, character } = diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start);
  return `line ${line + 1}, column ${character + 1}: ${text}`;
}

/**
 * Transpiles `code` (the tool `name`'s index.ts) to JavaScript with an inline source map, so stack frames in
 * errors point at `dynamic-tools/<name>/index.ts` lines. Types are not checked, only syntax.
 */
export async function compileToolCode(name: string, code: string): Promise<CompileOutcome> {
  if (code.length > MAX_CODE_CHARS) {
    return {
      ok: false,
      message: `The code is ${code.length} characters, over the ${MAX_CODE_CHARS} limit; keep a tool small.`,
    };
  }
  const ts = await loadTypeScript();
  const output = ts.transpileModule(code, {
    fileName: "index.ts",
    reportDiagnostics: true,
    compilerOptions: {
      module: ts.ModuleKind.ESNext,
      target: ts.ScriptTarget.ES2022,
      inlineSourceMap: true,
      sourceRoot: `dynamic-tools/${name}/`,
      removeComments: false,
    },
  });
  const diagnostics = (output.diagnostics ?? []).filter(
    (diagnostic) => diagnostic.category === ts.DiagnosticCategory.Error,
  );
  if (diagnostics.length > 0) {
    const shown = diagnostics
      .slice(0, MAX_DIAGNOSTICS_SHOWN)
      .map((diagnostic) => describeDiagnostic(ts, diagnostic));
    return { ok: false, message: `Syntax error in the code: ${shown.join("; ")}.` };
  }
  const source = ts.createSourceFile("index.ts", code, ts.ScriptTarget.ES2022, false, ts.ScriptKind.TS);
  if (!hasDefaultExport(ts, source)) {
    return {
      ok: false,
      message:
        "The code has no default export; write `export default async function (args, ctx) { ... }` returning the result.",
    };
  }
  return { ok: true, javascript: output.outputText };
}
