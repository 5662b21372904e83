// The load-time rule that keeps skills inside ctx: skill.ts may import only types (relative paths) and the
// TypeScript compiler; require, dynamic import, process, eval and global network access are refused.
import type ts from "typescript";
import { typescript } from "./typescript.js";

/** Modules a skill may import at run time. */
export const ALLOWED_RUNTIME_MODULES: readonly string[] = ["typescript"];

// Globals that reach the file system, processes, the network or code evaluation without going through ctx.
const FORBIDDEN_GLOBALS = new Set([
  "require",
  "process",
  "globalThis",
  "global",
  "eval",
  "Function",
  "module",
  "fetch",
  "WebSocket",
  "XMLHttpRequest",
  "EventSource",
  "Deno",
  "Bun",
]);

// Members of the TypeScript API that reach the file system or run programs (ts.sys and what builds on it):
// a skill uses the compiler for parsing and printing, and ctx.tools for files.
const FORBIDDEN_MEMBERS = new Set([
  "sys",
  "createCompilerHost",
  "createProgram",
  "createWatchProgram",
  "createWatchCompilerHost",
  "createSolutionBuilder",
  "createSolutionBuilderHost",
  "executeCommandLine",
  "createLanguageService",
]);

/** One refused construct, with its 1-based line. */
export interface ImportViolation {
  /** Line in skill.ts. */
  line: number;
  /** What is refused and why. */
  message: string;
}

/** Every violation in `source` (empty when the skill is clean). Never throws. */
export function checkSkillImports(source: string, fileName = "skill.ts"): ImportViolation[] {
  const ts = typescript();
  const file = ts.createSourceFile(fileName, source, ts.ScriptTarget.ES2023, true, ts.ScriptKind.TS);
  const violations: ImportViolation[] = [];
  const report = (node: ts.Node, message: string) => {
    const { line } = file.getLineAndCharacterOfPosition(node.getStart(file));
    violations.push({ line: line + 1, message });
  };
  const checkSpecifier = (node: ts.Node, specifier: string, typeOnly: boolean) => {
    if (typeOnly && (specifier.startsWith("./") || specifier.startsWith("../"))) return;
    if (!typeOnly && ALLOWED_RUNTIME_MODULES.includes(specifier)) return;
    const why = typeOnly
      ? "type-only imports must be relative (e.g. ../skill-api.js)"
      : `skills may import only ${ALLOWED_RUNTIME_MODULES.join(", ")} at run time (and relative types with "import type"); use ctx.tools for files, commands and the network`;
    report(node, `import of "${specifier}" is refused: ${why}.`);
  };

  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      const clause = node.importClause;
      const typeOnly =
        clause !== undefined &&
        (clause.isTypeOnly ||
          (!clause.name &&
            clause.namedBindings !== undefined &&
            ts.isNamedImports(clause.namedBindings) &&
            clause.namedBindings.elements.length > 0 &&
            clause.namedBindings.elements.every((e) => e.isTypeOnly)));
      checkSpecifier(node, node.moduleSpecifier.text, typeOnly);
      const bindings = clause?.namedBindings;
      if (bindings && ts.isNamedImports(bindings)) {
        for (const element of bindings.elements) {
          const imported = (element.propertyName ?? element.name).text;
          if (FORBIDDEN_MEMBERS.has(imported))
            report(element, `importing "${imported}" is refused: it reaches the file system.`);
        }
      }
    } else if (
      ts.isExportDeclaration(node) &&
      node.moduleSpecifier &&
      ts.isStringLiteral(node.moduleSpecifier)
    ) {
      checkSpecifier(node, node.moduleSpecifier.text, node.isTypeOnly);
    } else if (ts.isImportEqualsDeclaration(node)) {
      report(node, "import = require(...) is refused; use ctx.tools instead.");
    } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
      report(node, "dynamic import() is refused; skills get everything through ctx.");
    } else if (ts.isMetaProperty(node) && node.keywordToken === ts.SyntaxKind.ImportKeyword) {
      report(node, "import.meta is refused; skills get everything through ctx.");
    } else if (ts.isImportTypeNode(node)) {
      const argument = node.argument;
      if (ts.isLiteralTypeNode(argument) && ts.isStringLiteral(argument.literal)) {
        checkSpecifier(node, argument.literal.text, true);
      }
    } else if (ts.isPropertyAccessExpression(node) && FORBIDDEN_MEMBERS.has(node.name.text)) {
      report(
        node,
        `".${node.name.text}" is refused in skills: it reaches the file system; use ctx.tools instead.`,
      );
    } else if (ts.isElementAccessExpression(node) && ts.isStringLiteralLike(node.argumentExpression)) {
      const key = node.argumentExpression.text;
      if (FORBIDDEN_MEMBERS.has(key))
        report(node, `["${key}"] is refused in skills: it reaches the file system.`);
    } else if (ts.isIdentifier(node) && FORBIDDEN_GLOBALS.has(node.text) && isValueReference(node)) {
      report(node, `"${node.text}" is refused in skills; use ctx.tools, ctx.llm or ctx.log instead.`);
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  return violations;
}

/** True unless the identifier is a property name, a member name or a label (not a reference to a global). */
function isValueReference(node: ts.Identifier): boolean {
  const ts = typescript();
  const parent = node.parent;
  if (ts.isPropertyAccessExpression(parent) && parent.name === node) return false;
  if (ts.isQualifiedName(parent) && parent.right === node) return false;
  if (
    (ts.isPropertyAssignment(parent) ||
      ts.isPropertyDeclaration(parent) ||
      ts.isPropertySignature(parent) ||
      ts.isMethodDeclaration(parent) ||
      ts.isMethodSignature(parent) ||
      ts.isGetAccessor(parent) ||
      ts.isSetAccessor(parent) ||
      ts.isEnumMember(parent)) &&
    parent.name === node
  ) {
    return false;
  }
  if (ts.isBindingElement(parent) && parent.propertyName === node) return false;
  if (ts.isLabeledStatement(parent) || ts.isBreakOrContinueStatement(parent)) return false;
  return true;
}
