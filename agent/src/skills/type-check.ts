// Type-checks one skill.ts against the skill API (skills/skill-api.d.ts) with the TypeScript program API,
// strict and without Node's types, so a skill that reaches for process or fs fails here as well as at load.
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { join, resolve } from "node:path";
import type ts from "typescript";
import { appRoot } from "../config.js";
import { typescript } from "./typescript.js";

/** The skill API declarations skills import their types from. */
export const defaultSkillApiPath = join(appRoot, "skills", "skill-api.d.ts");

const require = createRequire(import.meta.url);

const compilerOptions = (ts: typeof import("typescript")): ts.CompilerOptions => ({
  target: ts.ScriptTarget.ES2023,
  lib: ["lib.es2023.d.ts"],
  module: ts.ModuleKind.NodeNext,
  moduleResolution: ts.ModuleResolutionKind.NodeNext,
  strict: true,
  noUncheckedIndexedAccess: true,
  esModuleInterop: true,
  skipLibCheck: true,
  noEmit: true,
  types: [],
});

/**
 * Type errors of `skillFile` as `line N: message` strings (empty when it checks). Any specifier ending in
 * `skill-api.js` resolves to `skillApiPath`, and `typescript` to the agent's own copy, wherever the skill lives.
 * With `source`, that text is checked under the name `skillFile` instead of the file (a skill in the store).
 */
export function typeCheckSkill(
  skillFile: string,
  skillApiPath = defaultSkillApiPath,
  source?: string,
): string[] {
  const ts = typescript();
  const options = compilerOptions(ts);
  if (!existsSync(skillApiPath)) return [`the skill API declarations are missing at ${skillApiPath}`];
  const host = ts.createCompilerHost(options, true);
  if (source !== undefined) {
    const target = resolve(skillFile);
    const { getSourceFile, fileExists } = host;
    host.getSourceFile = (file, language, ...rest) =>
      resolve(file) === target
        ? ts.createSourceFile(file, source, language, true)
        : getSourceFile.call(host, file, language, ...rest);
    host.fileExists = (file) => resolve(file) === target || fileExists.call(host, file);
  }
  const typescriptTypes = require.resolve("typescript/lib/typescript.d.ts");
  host.resolveModuleNameLiterals = (literals, containingFile, _redirected, compilerOptions) =>
    literals.map((literal) => {
      const name = literal.text;
      if (name.endsWith("skill-api.js") || name.endsWith("skill-api")) {
        return { resolvedModule: { resolvedFileName: skillApiPath, extension: ts.Extension.Dts } };
      }
      if (name === "typescript") {
        return {
          resolvedModule: {
            resolvedFileName: typescriptTypes,
            extension: ts.Extension.Dts,
            isExternalLibraryImport: true,
          },
        };
      }
      return ts.resolveModuleName(name, containingFile, compilerOptions, host);
    });
  const program = ts.createProgram({ rootNames: [resolve(skillFile)], options, host });
  const diagnostics = ts.getPreEmitDiagnostics(program);
  return diagnostics
    .filter((d) => d.category === ts.DiagnosticCategory.Error)
    .map((d) => {
      const text = ts.flattenDiagnosticMessageText(d.messageText, " ");
      if (!d.file || d.start === undefined) return text;
      const { line } = d.file.getLineAndCharacterOfPosition(d.start);
      const where = resolve(d.file.fileName) === resolve(skillFile) ? "" : `${d.file.fileName} `;
      return `${where}line ${line + 1}: ${text}`;
    });
}
