// doc_sync: exported signatures of a TypeScript module (compiler API) against its Markdown docs; rewrites
// stale signature spans, appends undocumented exports under "## API", and reports removed ones.
import ts from "typescript";
import type { SkillArgs, SkillContext, SkillResult } from "../skill-api.js";

interface Exported {
  name: string;
  /** The code span the docs should show. */
  signature: string;
  /** Whether docs spans of it carry a parameter list. */
  callable: boolean;
  /** First line of its JSDoc, if any. */
  summary: string;
}

export async function run(args: SkillArgs, ctx: SkillContext): Promise<SkillResult> {
  const codePath = String(args.code);
  const docsPath = String(args.docs);
  const code = await ctx.tools.read_file({ path: codePath });
  if (code.isError) return { ok: false, text: `Cannot read ${codePath}: ${code.text}` };
  const docs = await ctx.tools.read_file({ path: docsPath });
  if (docs.isError) return { ok: false, text: `Cannot read ${docsPath}: ${docs.text}` };
  const exported = exportsOf(codePath, code.text);
  const before = docs.text.endsWith("\n") ? docs.text : `${docs.text}\n`;
  const changes: string[] = [];
  const mentioned = new Set<string>();
  const documentedCalls = new Set<string>();

  let after = before.replace(/`([^`\n]+)`/g, (span, inner: string) => {
    const head = /^(?:(?:class|interface|type|const|function)\s+)?([A-Za-z_$][\w$]*)(\s*[<(])?/.exec(inner);
    const name = head?.[1];
    if (!name) return span;
    const item = exported.find((e) => e.name === name);
    if (head?.[2]?.trim() === "(" || head?.[2]?.trim() === "<") documentedCalls.add(name);
    if (!item) return span;
    mentioned.add(name);
    if (!item.callable || !head?.[2] || normalise(inner) === normalise(item.signature)) return span;
    changes.push(`updated \`${name}\`: ${inner} → ${item.signature}`);
    return `\`${item.signature}\``;
  });

  const missing = exported.filter((e) => !mentioned.has(e.name));
  if (missing.length) {
    const lines = missing.map((e) => `- \`${e.signature}\`${e.summary ? `: ${e.summary}` : ""}`);
    after = /^## API\s*$/m.test(after)
      ? after.replace(/^## API\s*$/m, (heading) => `${heading}\n\n${lines.join("\n")}`)
      : `${after.trimEnd()}\n\n## API\n\n${lines.join("\n")}\n`;
    for (const e of missing) changes.push(`added \`${e.name}\``);
  }
  const removed = [...documentedCalls].filter((name) => !exported.some((e) => e.name === name));
  const removedNote = removed.length
    ? `\nDocumented but no longer exported (left for you to remove): ${removed.join(", ")}.`
    : "";
  if (after === before) return { ok: true, text: `${docsPath} is in sync with ${codePath}.${removedNote}` };
  const written = await ctx.tools.write_file({ path: docsPath, content: after });
  if (written.isError) return { ok: false, text: `Cannot write ${docsPath}: ${written.text}` };
  return {
    ok: true,
    text: `${ctx.dryRun ? "Would update" : "Updated"} ${docsPath}:\n- ${changes.join("\n- ")}${removedNote}\n\n${ctx.diff(docsPath, before, after)}`,
  };
}

function exportsOf(fileName: string, text: string): Exported[] {
  const file = ts.createSourceFile(fileName, text, ts.ScriptTarget.ES2023, true, ts.ScriptKind.TS);
  const out: Exported[] = [];
  const isExported = (node: ts.Node) =>
    ts.canHaveModifiers(node) &&
    (ts.getModifiers(node) ?? []).some((m) => m.kind === ts.SyntaxKind.ExportKeyword);
  const summary = (node: ts.Node) => {
    const docs = ts.getJSDocCommentsAndTags(node).filter(ts.isJSDoc);
    const comment = docs[0]?.comment;
    const first = typeof comment === "string" ? comment : (comment?.map((part) => part.text).join("") ?? "");
    return first.split("\n")[0]?.trim() ?? "";
  };
  const callable = (name: string, fn: ts.SignatureDeclarationBase, docNode: ts.Node): Exported => {
    const typeParams = fn.typeParameters
      ? `<${fn.typeParameters.map((p) => p.getText(file)).join(", ")}>`
      : "";
    const params = fn.parameters.map((p) => normalise(p.getText(file))).join(", ");
    const returns = fn.type ? `: ${normalise(fn.type.getText(file))}` : "";
    return {
      name,
      signature: `${name}${typeParams}(${params})${returns}`,
      callable: true,
      summary: summary(docNode),
    };
  };
  for (const statement of file.statements) {
    if (!isExported(statement)) continue;
    if (ts.isFunctionDeclaration(statement) && statement.name) {
      out.push(callable(statement.name.text, statement, statement));
    } else if (ts.isClassDeclaration(statement) && statement.name) {
      out.push({
        name: statement.name.text,
        signature: `class ${statement.name.text}`,
        callable: false,
        summary: summary(statement),
      });
    } else if (ts.isInterfaceDeclaration(statement) || ts.isTypeAliasDeclaration(statement)) {
      const kind = ts.isInterfaceDeclaration(statement) ? "interface" : "type";
      out.push({
        name: statement.name.text,
        signature: `${kind} ${statement.name.text}`,
        callable: false,
        summary: summary(statement),
      });
    } else if (ts.isVariableStatement(statement)) {
      for (const declaration of statement.declarationList.declarations) {
        if (!ts.isIdentifier(declaration.name)) continue;
        const init = declaration.initializer;
        if (init && (ts.isArrowFunction(init) || ts.isFunctionExpression(init))) {
          out.push(callable(declaration.name.text, init, statement));
        } else {
          const type = declaration.type ? `: ${normalise(declaration.type.getText(file))}` : "";
          out.push({
            name: declaration.name.text,
            signature: `const ${declaration.name.text}${type}`,
            callable: false,
            summary: summary(statement),
          });
        }
      }
    }
  }
  return out;
}

function normalise(text: string): string {
  return text.replace(/\s+/g, " ").trim();
}
