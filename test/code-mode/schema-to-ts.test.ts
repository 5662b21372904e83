// The JSON Schema → TypeScript printer and the declarations built from it: each construct prints as the type
// it means, and the declarations are TypeScript the compiler accepts and checks calls against.
import ts from "typescript";
import { describe, expect, it } from "vitest";
import { codeApiDeclarations } from "../../agent/src/code-mode/code-api.js";
import { shortComment, typeFor } from "../../agent/src/code-mode/schema-to-ts.js";

describe("typeFor", () => {
  it("prints primitives, integer as number, null and unknown for what it cannot read", () => {
    expect(typeFor({ type: "string" })).toBe("string");
    expect(typeFor({ type: "integer" })).toBe("number");
    expect(typeFor({ type: "boolean" })).toBe("boolean");
    expect(typeFor({ type: "null" })).toBe("null");
    expect(typeFor({ $ref: "#/definitions/x" })).toBe("unknown");
    expect(typeFor({})).toBe("unknown");
  });

  it("prints enums and const as literal unions, type arrays and anyOf/oneOf as unions", () => {
    expect(typeFor({ type: "string", enum: ["pip", "npm"] })).toBe('"pip" | "npm"');
    expect(typeFor({ const: 3 })).toBe("3");
    expect(typeFor({ type: ["string", "null"] })).toBe("string | null");
    expect(typeFor({ anyOf: [{ type: "number" }, { type: "string", enum: ["all"] }] })).toBe(
      'number | "all"',
    );
    expect(typeFor({ oneOf: [{ type: "string" }, { type: "string" }] })).toBe("string");
    expect(typeFor({ anyOf: [{ type: "string" }, {}] })).toBe("unknown");
  });

  it("prints arrays, tuples and arrays of unions with parentheses", () => {
    expect(typeFor({ type: "array", items: { type: "string" } })).toBe("string[]");
    expect(typeFor({ type: "array" })).toBe("unknown[]");
    expect(typeFor({ type: "array", items: { type: ["string", "number"] } })).toBe("(string | number)[]");
    expect(typeFor({ type: "array", items: [{ type: "string" }, { type: "integer" }] })).toBe(
      "[string, number]",
    );
  });

  it("prints objects with optional fields, quoted names, nesting and index signatures", () => {
    expect(
      typeFor({
        type: "object",
        properties: { path: { type: "string" }, "max-depth": { type: "integer" } },
        required: ["path"],
      }),
    ).toBe('{ path: string; "max-depth"?: number; }');
    expect(
      typeFor({
        type: "object",
        properties: { point: { type: "object", properties: { x: { type: "number" } }, required: ["x"] } },
      }),
    ).toBe("{ point?: { x: number; }; }");
    expect(typeFor({ type: "object", additionalProperties: { type: "number" } })).toBe(
      "Record<string, number>",
    );
    expect(typeFor({ type: "object" })).toBe("Record<string, unknown>");
    expect(typeFor({ type: "object", additionalProperties: false })).toBe("{}");
    // No "type" but properties: still an object.
    expect(typeFor({ properties: { a: { type: "string" } }, required: ["a"] })).toBe("{ a: string; }");
  });

  it("puts descriptions as one-line comments above their members, cut to the first sentence", () => {
    const text = typeFor({
      type: "object",
      properties: {
        command: {
          type: "string",
          description: "Bash command, run in the workspace root. More detail here.",
        },
        timeout: { type: "number" },
      },
      required: ["command"],
    });
    expect(text).toBe(
      "{\n  /** Bash command, run in the workspace root. */\n  command: string;\n  timeout?: number;\n}",
    );
    expect(shortComment(`${"word ".repeat(40)}end.`).length).toBeLessThanOrEqual(80);
    expect(shortComment("closes */ the comment")).not.toContain("*/");
  });

  it("prints deep nesting as object instead of growing without bound", () => {
    let schema: Record<string, unknown> = { type: "string" };
    for (let i = 0; i < 8; i++) schema = { type: "object", properties: { inner: schema } };
    expect(typeFor(schema)).toContain("inner?: object;");
  });
});

/** Type-checks `code` against `declarations`; returns the error messages. */
function typeErrors(declarations: string, code: string): string[] {
  const files = new Map([
    ["api.d.ts", declarations.replace(/^[\s\S]*?```ts\n/, "").replace(/```\s*$/, "")],
    ["main.ts", `export {};\n${code}`],
  ]);
  const options: ts.CompilerOptions = {
    strict: true,
    noEmit: true,
    types: [],
    target: ts.ScriptTarget.ES2022,
    lib: ["lib.es2022.d.ts"],
  };
  const host = ts.createCompilerHost(options);
  const readFile = host.readFile.bind(host);
  host.readFile = (name) => files.get(name) ?? readFile(name);
  host.fileExists = (name) => files.has(name) || ts.sys.fileExists(name);
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (name, version) => {
    const text = files.get(name);
    return text === undefined ? getSourceFile(name, version) : ts.createSourceFile(name, text, version);
  };
  const program = ts.createProgram(["api.d.ts", "main.ts"], options, host);
  return ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, " "));
}

describe("codeApiDeclarations", () => {
  const tools = [
    {
      name: "read_file",
      description: "Read a text file.",
      parameters: {
        type: "object",
        properties: { path: { type: "string" }, offset: { type: "integer" } },
        required: ["path"],
      },
    },
    {
      name: "datetime__get_current_time",
      description: "Now.",
      parameters: { type: "object", properties: {} },
    },
    {
      name: "odd-name",
      description: "",
      parameters: { type: "object", properties: { n: { type: "number" } } },
    },
  ];
  const skills = [
    {
      name: "bug_fix",
      description: "Fix a bug.",
      parameters: { type: "object", properties: { error: { type: "string" } }, required: ["error"] },
    },
  ];

  it("declares tools, skills and artifacts as TypeScript the compiler checks calls against", () => {
    const text = codeApiDeclarations({ tools, skills });
    expect(text).toContain(
      "/** Read a text file. */\n  read_file(args: { path: string; offset?: number; }): Promise<string>;",
    );
    expect(text).toContain("datetime__get_current_time(args?: {}): Promise<string>;");
    expect(text).toContain('"odd-name"(args?: { n?: number; }): Promise<string>;');
    expect(text).toContain("bug_fix(args: { error: string; }): Promise<string>;");
    const good = `async function f() {
  const a: string = await tools.read_file({ path: "a.txt" });
  await tools.datetime__get_current_time();
  await tools["odd-name"]({ n: 1 });
  await skills.bug_fix({ error: "boom" });
  await artifacts.save("x.json", { a });
  const names = (await artifacts.list()).map((e) => e.name);
  return names;
}`;
    expect(typeErrors(text, good).join("\n")).toBe("");
    expect(typeErrors(text, "async function f() { await tools.read_file({ path: 1 }); }").join()).toMatch(
      /number.*not assignable to type 'string'/,
    );
    expect(typeErrors(text, "async function f() { await tools.read_file({}); }").join()).toMatch(/path/);
  });

  it("leaves skills out when there are none", () => {
    expect(codeApiDeclarations({ tools, skills: [] })).not.toContain("declare const skills");
  });

  it("stays under its size bound: drops descriptions, then names the tools it leaves out", () => {
    const many = Array.from({ length: 200 }, (_, i) => ({
      name: `tool_${i}`,
      description: `Tool number ${i} does a thing with a long description.`,
      parameters: {
        type: "object",
        properties: Object.fromEntries(
          Array.from({ length: 5 }, (_, j) => [`field_${j}`, { type: "string" }]),
        ),
      },
    }));
    const text = codeApiDeclarations({ tools: many, skills: [], maxChars: 6000 });
    expect(text.length).toBeLessThanOrEqual(6000);
    expect(text).not.toContain("Tool number");
    expect(text).toMatch(/\/\/ \d+ more, declarations left out for size \(call them the same way\): tool_/);
    expect(text).toContain("declare const artifacts");
    const tiny = codeApiDeclarations({ tools: many, skills: [], maxChars: 1500 });
    expect(tiny.length).toBeLessThanOrEqual(1500);
    expect(tiny).toContain("[declarations cut for size]");
  });
});
