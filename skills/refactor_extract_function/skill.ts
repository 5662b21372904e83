// refactor_extract_function: TypeScript ranges are extracted with the compiler API (parameters, returned
// variables, async); Python ones by the LLM. The tests must still pass, else the file is restored byte for byte.
import ts from "typescript";
import type { SkillArgs, SkillContext, SkillResult } from "../skill-api.js";

export async function run(args: SkillArgs, ctx: SkillContext): Promise<SkillResult> {
  const file = String(args.file);
  const start = Number(args.start);
  const end = Number(args.end);
  const name = String(args.name);
  if (!/^[A-Za-z_$][\w$]*$/.test(name)) return { ok: false, text: `"${name}" is not a valid function name.` };
  if (start < 1 || end < start)
    return { ok: false, text: `Invalid range ${start}-${end}: need 1 <= start <= end.` };
  const read = await ctx.tools.read_file({ path: file });
  if (read.isError) return { ok: false, text: `Cannot read ${file}: ${read.text}` };
  if (/\n\n\[Showing lines [^\]]*\]$/.test(read.text))
    return { ok: false, text: `${file} is too long to refactor in one piece.` };
  const before = `${read.text}\n`;

  let writes: Array<{ path: string; content: string }>;
  if (/\.(ts|tsx|mts|cts)$/.test(file)) {
    const result = extractTypeScript(file, before, start, end, name);
    if (!result.ok) return { ok: false, text: `Cannot extract: ${result.reason}` };
    writes = [{ path: file, content: result.text }];
  } else if (file.endsWith(".py")) {
    const result = await extractWithLlm(ctx, file, before, start, end, name);
    if (typeof result === "string") return { ok: false, text: result };
    writes = result;
  } else {
    return { ok: false, text: `Only TypeScript and Python files are supported, not ${file}.` };
  }
  const main = writes.find((w) => w.path === file);
  const diff = main ? ctx.diff(file, before, main.content) : "";
  if (ctx.dryRun) {
    for (const w of writes) await ctx.tools.write_file({ path: w.path, content: w.content });
    return {
      ok: true,
      text: `Extracted lines ${start}-${end} of ${file} into ${name} (not written, no tests run).`,
    };
  }

  const backupDir = `.agent/skill-backups/extract-${Date.now()}`;
  const backup = await ctx.tools.shell({
    command: `mkdir -p ${ctx.shellQuote(backupDir)} && cp -p -- ${ctx.shellQuote(file)} ${ctx.shellQuote(`${backupDir}/original`)}`,
  });
  if (backup.isError)
    return { ok: false, text: `Could not back up ${file}; nothing was changed.\n${backup.text}` };
  const created: string[] = [];
  const restore = async () => {
    const removeNew = created.map((p) => `rm -f -- ${ctx.shellQuote(p)}`);
    const command = [
      `cp -p -- ${ctx.shellQuote(`${backupDir}/original`)} ${ctx.shellQuote(file)}`,
      ...removeNew,
      `rm -rf -- ${ctx.shellQuote(backupDir)}`,
    ].join(" && ");
    const restored = await ctx.tools.shell({ command });
    return restored.isError ? ` Restoring failed; the original is in ${backupDir}.` : "";
  };
  for (const w of writes) {
    const written = await ctx.tools.write_file({ path: w.path, content: w.content });
    if (written.isError)
      return { ok: false, text: `Could not write ${w.path}: ${written.text}.${await restore()}` };
    if (w.path !== file) created.push(w.path);
  }
  ctx.log("refactor_extract_function: running the tests");
  const tests = await ctx.runTests(typeof args.test === "string" && args.test ? args.test : undefined);
  if (tests.problem !== undefined) {
    return {
      ok: false,
      text: `Nothing proves the behaviour is kept: ${tests.problem}. ${file} was restored.${await restore()}`,
    };
  }
  if (tests.failed > 0) {
    return {
      ok: false,
      text: `The tests fail after the extraction (${tests.command}: ${tests.failed} failed); ${file} was restored.${await restore()}\n\n${tests.tail}`,
    };
  }
  await ctx.tools.shell({ command: `rm -rf -- ${ctx.shellQuote(backupDir)}` });
  return {
    ok: true,
    text: `Extracted lines ${start}-${end} of ${file} into ${name}; the tests pass (${tests.command}: ${tests.passed} passed).\n\n${diff}`,
  };
}

/** The new file text, or why the range cannot be extracted. */
function extractTypeScript(
  fileName: string,
  text: string,
  start: number,
  end: number,
  name: string,
): { ok: true; text: string } | { ok: false; reason: string } {
  const fail = (reason: string) => ({ ok: false as const, reason });
  const file = ts.createSourceFile(fileName, text, ts.ScriptTarget.ES2023, true, ts.ScriptKind.TS);
  const lineOf = (pos: number) => file.getLineAndCharacterOfPosition(pos).line + 1;
  let found: { block: ts.Block | ts.SourceFile; statements: ts.Statement[] } | undefined;
  const search = (node: ts.Node): void => {
    if (found) return;
    if (ts.isBlock(node) || ts.isSourceFile(node)) {
      const inside = node.statements.filter(
        (s) => lineOf(s.getStart(file)) >= start && lineOf(s.getEnd()) <= end,
      );
      if (
        inside.length &&
        lineOf(inside[0]?.getStart(file) ?? 0) === start &&
        lineOf(inside.at(-1)?.getEnd() ?? 0) === end
      ) {
        found = { block: node, statements: inside };
        return;
      }
    }
    ts.forEachChild(node, search);
  };
  search(file);
  if (!found) return fail(`lines ${start}-${end} are not whole statements of one block.`);
  const { block, statements } = found;
  if (file.statements.some((s) => declares(s, name)))
    return fail(`"${name}" is already declared in ${fileName}.`);

  const declaredInside = new Set<string>();
  const reads: string[] = [];
  const assigned = new Set<string>();
  let problem = "";
  let usesAwait = false;
  const visit = (node: ts.Node, inNestedFunction: boolean, inLoop: boolean): void => {
    if (
      ts.isVariableDeclaration(node) ||
      ts.isFunctionDeclaration(node) ||
      ts.isClassDeclaration(node) ||
      ts.isParameter(node)
    ) {
      if (node.name && ts.isIdentifier(node.name)) declaredInside.add(node.name.text);
      if (node.name && ts.isObjectBindingPattern(node.name)) {
        for (const element of node.name.elements)
          if (ts.isIdentifier(element.name)) declaredInside.add(element.name.text);
      }
    }
    if (!inNestedFunction) {
      if (ts.isReturnStatement(node)) problem ||= "the lines contain a return statement.";
      if ((ts.isBreakStatement(node) || ts.isContinueStatement(node)) && !inLoop)
        problem ||= "a break or continue leaves the lines.";
      if (node.kind === ts.SyntaxKind.ThisKeyword) problem ||= "the lines use this.";
      if (ts.isYieldExpression(node)) problem ||= "the lines use yield.";
      if (ts.isAwaitExpression(node)) usesAwait = true;
    }
    if (
      ts.isBinaryExpression(node) &&
      node.operatorToken.kind >= ts.SyntaxKind.FirstAssignment &&
      node.operatorToken.kind <= ts.SyntaxKind.LastAssignment &&
      ts.isIdentifier(node.left)
    ) {
      assigned.add(node.left.text);
    }
    if (
      (ts.isPrefixUnaryExpression(node) || ts.isPostfixUnaryExpression(node)) &&
      ts.isIdentifier(node.operand)
    ) {
      if (node.operator === ts.SyntaxKind.PlusPlusToken || node.operator === ts.SyntaxKind.MinusMinusToken)
        assigned.add(node.operand.text);
    }
    if (ts.isIdentifier(node) && isReference(node) && !reads.includes(node.text)) reads.push(node.text);
    const nested = inNestedFunction || ts.isFunctionLike(node);
    const loop = inLoop || ts.isIterationStatement(node, false) || ts.isSwitchStatement(node);
    ts.forEachChild(node, (child) => visit(child, nested, loop));
  };
  for (const statement of statements) visit(statement, false, false);
  if (problem) return fail(problem);

  const outer = outerLocals(block, statements[0] as ts.Statement, file);
  const params = reads.filter((r) => !declaredInside.has(r) && outer.has(r));
  const reassigned = [...assigned].filter((a) => !declaredInside.has(a) && outer.has(a));
  if (reassigned.length) return fail(`the lines assign to outer variable(s) ${reassigned.join(", ")}.`);
  const typed: string[] = [];
  for (const param of params) {
    const type = typeOf(outer.get(param), file);
    if (!type) return fail(`the type of ${param} cannot be read from its declaration; annotate it first.`);
    typed.push(`${param}: ${type}`);
  }
  const lastEnd = statements.at(-1)?.getEnd() ?? 0;
  const later = block.statements.filter((s) => s.getStart(file) >= lastEnd);
  const usedLater = new Set<string>();
  const collect = (node: ts.Node) => {
    if (ts.isIdentifier(node) && isReference(node)) usedLater.add(node.text);
    ts.forEachChild(node, collect);
  };
  for (const statement of later) collect(statement);
  const topDeclared = statements.flatMap((s) =>
    ts.isVariableStatement(s) ? s.declarationList.declarations : [],
  );
  const outputs = topDeclared.flatMap((d) =>
    ts.isIdentifier(d.name) && usedLater.has(d.name.text) ? [d.name.text] : [],
  );
  const mutable = statements.some(
    (s) => ts.isVariableStatement(s) && (s.declarationList.flags & ts.NodeFlags.Let) !== 0,
  );

  const firstStart = statements[0]?.getStart(file) ?? 0;
  const lineStart = text.lastIndexOf("\n", firstStart - 1) + 1;
  const indent = text.slice(lineStart, firstStart);
  const body = dedent(text.slice(lineStart, lastEnd)).replace(/^(?=.)/gm, "  ");
  const returnLine =
    outputs.length === 0
      ? ""
      : outputs.length === 1
        ? `\n  return ${outputs[0]};`
        : `\n  return { ${outputs.join(", ")} };`;
  const fn = `${usesAwait ? "async " : ""}function ${name}(${typed.join(", ")}) {\n${body}${returnLine}\n}`;
  const callExpr = `${usesAwait ? "await " : ""}${name}(${params.join(", ")})`;
  const keyword = mutable ? "let" : "const";
  const call =
    outputs.length === 0
      ? `${callExpr};`
      : outputs.length === 1
        ? `${keyword} ${outputs[0]} = ${callExpr};`
        : `${keyword} { ${outputs.join(", ")} } = ${callExpr};`;

  const top = file.statements.find((s) => s.getStart(file) <= firstStart && s.getEnd() >= lastEnd);
  const insertAt = top ? top.getEnd() : lastEnd;
  const replaced = `${text.slice(0, lineStart)}${indent}${call}${text.slice(lastEnd)}`;
  const shift = replaced.length - text.length;
  const at = insertAt + (insertAt >= lastEnd ? shift : 0);
  const result = `${replaced.slice(0, at)}\n\n${fn}${replaced.slice(at)}`;
  const check = ts.transpileModule(result, { reportDiagnostics: true, fileName });
  if (check.diagnostics?.length) return fail("the result does not parse; nothing was changed.");
  return { ok: true, text: result };
}

/** Names declared by the enclosing functions (parameters, their blocks' variables), not module-level ones. */
function outerLocals(
  block: ts.Block | ts.SourceFile,
  first: ts.Statement,
  file: ts.SourceFile,
): Map<string, ts.Node> {
  const names = new Map<string, ts.Node>();
  const add = (name: ts.BindingName, node: ts.Node) => {
    if (ts.isIdentifier(name)) names.set(name.text, node);
  };
  for (let node: ts.Node | undefined = block; node && !ts.isSourceFile(node); node = node.parent) {
    if (ts.isFunctionLike(node)) for (const p of node.parameters) add(p.name, p);
    if (ts.isBlock(node)) {
      for (const s of node.statements) {
        if (s.getStart(file) >= first.getStart(file) && node === block) continue;
        if (ts.isVariableStatement(s)) for (const d of s.declarationList.declarations) add(d.name, d);
      }
    }
    if (
      (ts.isForOfStatement(node) || ts.isForInStatement(node) || ts.isForStatement(node)) &&
      node.initializer &&
      ts.isVariableDeclarationList(node.initializer)
    ) {
      for (const d of node.initializer.declarations) add(d.name, d);
    }
  }
  return names;
}

function typeOf(declaration: ts.Node | undefined, file: ts.SourceFile): string | undefined {
  if (!declaration || !(ts.isParameter(declaration) || ts.isVariableDeclaration(declaration)))
    return undefined;
  if (declaration.type) return declaration.type.getText(file);
  const init = declaration.initializer;
  if (!init) return undefined;
  if (ts.isNumericLiteral(init)) return "number";
  if (ts.isStringLiteral(init) || ts.isNoSubstitutionTemplateLiteral(init) || ts.isTemplateExpression(init))
    return "string";
  if (init.kind === ts.SyntaxKind.TrueKeyword || init.kind === ts.SyntaxKind.FalseKeyword) return "boolean";
  return undefined;
}

function isReference(node: ts.Identifier): boolean {
  const parent = node.parent;
  if (ts.isPropertyAccessExpression(parent) && parent.name === node) return false;
  if (
    (ts.isPropertyAssignment(parent) || ts.isMethodDeclaration(parent) || ts.isPropertyDeclaration(parent)) &&
    parent.name === node
  )
    return false;
  if (
    (ts.isVariableDeclaration(parent) ||
      ts.isFunctionDeclaration(parent) ||
      ts.isParameter(parent) ||
      ts.isClassDeclaration(parent)) &&
    parent.name === node
  )
    return false;
  if (ts.isBindingElement(parent) || ts.isTypeReferenceNode(parent) || ts.isQualifiedName(parent))
    return false;
  return !ts.isLabeledStatement(parent);
}

function declares(statement: ts.Statement, name: string): boolean {
  if (
    (ts.isFunctionDeclaration(statement) || ts.isClassDeclaration(statement)) &&
    statement.name?.text === name
  )
    return true;
  return (
    ts.isVariableStatement(statement) &&
    statement.declarationList.declarations.some((d) => ts.isIdentifier(d.name) && d.name.text === name)
  );
}

function dedent(text: string): string {
  const lines = text.split("\n");
  const widths = lines.filter((l) => l.trim()).map((l) => /^[ \t]*/.exec(l)?.[0].length ?? 0);
  const cut = Math.min(...widths);
  return lines.map((l) => l.slice(cut)).join("\n");
}

/** Python: the model rewrites the file; it may add new files but never overwrite an existing test file. */
async function extractWithLlm(
  ctx: SkillContext,
  file: string,
  text: string,
  start: number,
  end: number,
  name: string,
) {
  const numbered = text
    .split("\n")
    .map((line, i) => `${String(i + 1).padStart(5)}  ${line}`)
    .join("\n");
  const answer = await ctx.llm.complete({
    system:
      "You refactor Python without changing behaviour. Extract the given lines into a new function, passing what " +
      "they read as parameters and returning what later code uses. Answer with one write_file call holding the " +
      "complete new file (no line numbers).",
    prompt: `Extract lines ${start}-${end} of ${file} into a function named ${name}.\n\n${numbered}`,
    tools: ["write_file"],
  });
  const writes: Array<{ path: string; content: string }> = [];
  for (const call of answer.toolCalls) {
    if (
      call.name !== "write_file" ||
      typeof call.args.path !== "string" ||
      typeof call.args.content !== "string"
    )
      continue;
    const path = call.args.path.replace(/^\.\//, "");
    if (path !== file) {
      const exists = !(await ctx.tools.read_file({ path, limit: 1 })).isError;
      if (exists) {
        ctx.log(`refactor_extract_function: not overwriting the existing file ${path}`);
        continue;
      }
    }
    writes.push({ path, content: call.args.content });
  }
  if (!writes.some((w) => w.path === file)) return `The model did not rewrite ${file}; nothing was changed.`;
  return writes;
}
