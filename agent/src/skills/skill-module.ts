// Compiles skill.ts for its program (skill-process.ts): the import rule first, then TypeScript's
// transpileModule to ESM, with `typescript` imported through a specifier the program maps to the real module.
// Nothing is written to disk: the program imports the code from a data: URL.
import type ts from "typescript";
import { checkSkillImports } from "./import-check.js";
import { SkillLoadError } from "./skill-errors.js";
import { TYPESCRIPT_SPECIFIER } from "./skill-process-script.js";
import { typescript } from "./typescript.js";

/** A compiled skill. */
export interface SkillProgram {
  /** ESM JavaScript whose `run(args, ctx)` is the skill. */
  code: string;
}

// Bare specifiers (only allow-listed modules reach this point) become ones the skill's program resolves.
const rewritten = new Map<string, string>([["typescript", TYPESCRIPT_SPECIFIER]]);

function rewriteSpecifiers(): ts.TransformerFactory<ts.SourceFile> {
  const ts = typescript();
  return (context) => (file) => {
    const visit = (node: ts.Node): ts.Node => {
      if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
        const target = rewritten.get(node.moduleSpecifier.text);
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

/** Checks and transpiles a skill. Throws SkillLoadError for a refused import or a syntax error. */
export function compileSkill(name: string, source: string): SkillProgram {
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
  return { code: output.outputText };
}
