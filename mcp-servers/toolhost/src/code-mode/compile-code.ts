// Turns the TypeScript run_code receives into an ES module: the code becomes the body of the module's default
// async function (so top-level await and return work), on the same lines, with an inline source map.
import { describeDiagnostic, loadTypeScript, MAX_CODE_CHARS } from "../dynamic/compile-tool.js";

/** The path stack frames of the model's code show (source-mapped lines of `code`). */
export const CODE_SOURCE_PATH = "run_code/code.ts";
// On the code's first line, so every line number in a stack or diagnostic is the model's own.
const PRELUDE = "export default async function (tools, skills, artifacts) { ";
const MAX_DIAGNOSTICS_SHOWN = 5;

export type CodeCompileOutcome = { ok: true; javascript: string } | { ok: false; message: string };

/** Transpiles `code` (types are not checked, only syntax). Never throws for bad code: an outcome says why. */
export async function compileCode(code: string): Promise<CodeCompileOutcome> {
  if (code.length > MAX_CODE_CHARS) {
    return {
      ok: false,
      message: `The code is ${code.length} characters, over the ${MAX_CODE_CHARS} limit; do less per call.`,
    };
  }
  const ts = await loadTypeScript();
  // Inside the wrapping function these are no syntax error to transpileModule, only to node at run time.
  const source = ts.createSourceFile("code.ts", code, ts.ScriptTarget.ES2022, false, ts.ScriptKind.TS);
  const moduleStatement = source.statements.find(
    (statement) =>
      ts.isImportDeclaration(statement) ||
      ts.isImportEqualsDeclaration(statement) ||
      ts.isExportDeclaration(statement) ||
      ts.isExportAssignment(statement),
  );
  if (moduleStatement !== undefined) {
    const { line } = source.getLineAndCharacterOfPosition(moduleStatement.getStart(source));
    return {
      ok: false,
      message: `line ${line + 1}: the code is the body of an async function: no import or export statements (use await import("node:path") for a built-in module).`,
    };
  }
  const output = ts.transpileModule(`${PRELUDE}${code}\n}\n`, {
    fileName: "code.ts",
    reportDiagnostics: true,
    compilerOptions: {
      module: ts.ModuleKind.ESNext,
      target: ts.ScriptTarget.ES2022,
      inlineSourceMap: true,
      sourceRoot: "run_code/",
      removeComments: false,
    },
  });
  const errors = (output.diagnostics ?? []).filter((d) => d.category === ts.DiagnosticCategory.Error);
  if (errors.length > 0) {
    const shown = errors.slice(0, MAX_DIAGNOSTICS_SHOWN).map((d) => describeDiagnostic(ts, d));
    return {
      ok: false,
      message: `Syntax error in the code: ${shown.join("; ")}. The code is the body of an async function: no import or export statements.`,
    };
  }
  return { ok: true, javascript: output.outputText };
}
