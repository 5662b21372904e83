// create_tool against the real toolhost: a word-count tool created and called, its schema shown unchanged,
// and a clear error for every bad request (names, shadowing, schemas, syntax, arguments).
import { readFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sha256Of } from "../../../mcp-servers/toolhost/src/dynamic/tool-files.js";
import {
  type DynamicDirs,
  type DynamicHost,
  makeDirs,
  PATH_SCHEMA,
  startHost,
  WORD_COUNT_CODE,
} from "./dynamic-harness.js";

let dirs: DynamicDirs;
let host: DynamicHost;

beforeAll(async () => {
  dirs = await makeDirs();
  host = await startHost(dirs);
});
afterAll(async () => {
  await host.close();
  await dirs.remove();
});

describe("create_tool", () => {
  it("creates word_count, which is listed at once and counts the words of a workspace file", async () => {
    const changesBefore = host.listChanged();
    const created = await host.create({ name: "word_count", code: WORD_COUNT_CODE });
    expect(created.isError).toBe(false);
    expect(created.text).toContain("Created the tool word_count");
    expect(host.listChanged()).toBeGreaterThan(changesBefore);
    expect(await host.toolNames()).toContain("word_count");
    expect(await host.call("word_count", { path: "words.txt" })).toEqual({
      text: "7 words in words.txt",
      isError: false,
    });
  });

  it("lists the tool with the description and JSON Schema it was given", async () => {
    const parameters = {
      type: "object",
      properties: {
        path: { type: "string", description: "File." },
        mode: { type: "string", enum: ["lines", "words"] },
      },
      required: ["path"],
      additionalProperties: false,
    };
    await host.create({
      name: "count_units",
      description: "Counts lines or words.",
      parameters,
      code: WORD_COUNT_CODE,
    });
    const listed = (await host.client.listTools()).tools.find((tool) => tool.name === "count_units");
    expect(listed?.description).toBe("Counts lines or words.");
    const { $schema: _ignored, ...schema } = (listed?.inputSchema ?? {}) as Record<string, unknown>;
    expect(schema).toEqual(parameters);
  });

  it("saves tool.json (name, description, parameters, sha256 of the code, createdAt) and index.ts", async () => {
    const folder = path.join(dirs.toolsDir, "word_count");
    const manifest = JSON.parse(await readFile(path.join(folder, "tool.json"), "utf8")) as Record<
      string,
      unknown
    >;
    expect(await readFile(path.join(folder, "index.ts"), "utf8")).toBe(WORD_COUNT_CODE);
    expect(manifest).toMatchObject({
      name: "word_count",
      description: "Test tool word_count.",
      parameters: PATH_SCHEMA,
      sha256: sha256Of(WORD_COUNT_CODE),
    });
    expect(Number.isNaN(Date.parse(String(manifest.createdAt)))).toBe(false);
  });

  it("accepts parameters sent as a JSON string, as models often do", async () => {
    const created = await host.create({
      name: "string_schema",
      parameters: JSON.stringify(PATH_SCHEMA),
      code: WORD_COUNT_CODE,
    });
    expect(created.isError).toBe(false);
    expect((await host.call("string_schema", { path: "words.txt" })).text).toBe("7 words in words.txt");
  });

  it.each([
    ["", "1 to 64 characters"],
    ["x".repeat(65), "1 to 64 characters"],
    ["WordCount", "snake_case"],
    ["word-count", "snake_case"],
    ["9lives", "snake_case"],
    ["trailing_", "snake_case"],
    ["datetime__get_current_time", "reserved for MCP server tools"],
  ])("refuses the name %j, saying %s", async (name, expected) => {
    const result = await host.create({ name, code: WORD_COUNT_CODE });
    expect(result.isError).toBe(true);
    expect(result.text).toContain(expected);
  });

  it.each(["read_file", "shell", "create_tool", "edit_file", "install_dependency"])(
    "refuses to shadow the built-in %s",
    async (name) => {
      const result = await host.create({ name, code: WORD_COUNT_CODE });
      expect(result).toMatchObject({ isError: true });
      expect(result.text).toContain("built-in tool");
      expect(result.text).toContain("Choose another name");
    },
  );

  it("refuses to replace an existing dynamic tool unless overwrite is true, then replaces it", async () => {
    const code = "export default async () => 'version two';";
    const refused = await host.create({ name: "word_count", code });
    expect(refused.isError).toBe(true);
    expect(refused.text).toContain("already exists; pass overwrite: true");
    expect((await host.call("word_count", { path: "words.txt" })).text).toBe("7 words in words.txt");

    await host.create({ name: "replace_me", code: WORD_COUNT_CODE });
    const replaced = await host.create({ name: "replace_me", code, overwrite: true });
    expect(replaced).toMatchObject({ isError: false });
    expect(replaced.text).toContain("Replaced the tool replace_me");
    expect((await host.call("replace_me", { path: "words.txt" })).text).toBe("version two");
  });

  it.each([
    [["not", "an", "object"], "must be a JSON Schema object"],
    [{ type: "string" }, 'must have "type": "object"'],
    [{ type: "object" }, 'must have "properties"'],
    [{ type: "object", properties: { path: { type: "strin" } } }, "parameters/properties/path/type"],
    [{ type: "object", properties: {}, required: "path" }, "parameters/required must be array"],
    ["{not json", "is a string that is not JSON"],
  ])("refuses the schema %j with a message naming the problem", async (parameters, expected) => {
    const result = await host.create({ name: "bad_schema", parameters, code: WORD_COUNT_CODE });
    expect(result.isError).toBe(true);
    expect(result.text).toContain(expected);
    expect(await host.toolNames()).not.toContain("bad_schema");
  });

  it("returns a syntax error with its line and column, and saves nothing", async () => {
    const code = "export default async function (args) {\n  const x = ;\n  return x;\n}\n";
    const result = await host.create({ name: "broken_syntax", code });
    expect(result.isError).toBe(true);
    expect(result.text).toContain("Syntax error in the code: line 2, column 13: Expression expected.");
    expect((await host.status()).problems.map((problem) => problem.name)).not.toContain("broken_syntax");
  });

  it("refuses a module without a default export, showing what to write", async () => {
    const result = await host.create({
      name: "no_default",
      code: "export async function run() { return 1; }",
    });
    expect(result.isError).toBe(true);
    expect(result.text).toContain("no default export; write `export default async function (args, ctx)");
  });
});

describe("calling a dynamic tool", () => {
  it.each([
    [{}, '"path" is required'],
    [{ path: 42 }, '"path" must be string'],
    [
      { path: "words.txt", mode: "chars" },
      '"mode" must be equal to one of the allowed values (["lines","words"])',
    ],
    [{ path: "words.txt", extra: true }, '"extra" is not an allowed argument'],
  ])("refuses the arguments %j before running, naming the field", async (args, expected) => {
    const result = await host.call("count_units", args);
    expect(result.isError).toBe(true);
    expect(result.text).toContain("Invalid arguments for count_units:");
    expect(result.text).toContain(expected);
  });

  it("names nested fields by their path", async () => {
    await host.create({
      name: "nested_args",
      parameters: {
        type: "object",
        properties: {
          items: { type: "array", items: { type: "object", properties: { n: { type: "integer" } } } },
        },
      },
      code: "export default async (args) => args.items.length;",
    });
    const result = await host.call("nested_args", { items: [{ n: 1 }, { n: "two" }] });
    expect(result.text).toContain('"items[1].n" must be integer');
  });

  it("returns a JSON-serialisable result as JSON, and says when a tool returned nothing", async () => {
    await host.create({
      name: "json_result",
      parameters: { type: "object", properties: {} },
      code: "export default async () => ({ ok: true, list: [1, 2] });",
    });
    await host.create({
      name: "no_result",
      parameters: { type: "object", properties: {} },
      code: "export default async () => { };",
    });
    expect(JSON.parse((await host.call("json_result", {})).text)).toEqual({ ok: true, list: [1, 2] });
    expect((await host.call("no_result", {})).text).toBe("(the tool returned nothing)");
  });
});

describe("create_tool's own schema", () => {
  it("asks for name, description, parameters (an object) and code, with overwrite optional", async () => {
    const listed = (await host.client.listTools()).tools.find((tool) => tool.name === "create_tool");
    const schema = listed?.inputSchema as {
      properties: Record<string, { type?: string }>;
      required: string[];
    };
    expect(schema.required.sort()).toEqual(["code", "description", "name", "parameters"]);
    expect(schema.properties.parameters?.type).toBe("object");
    expect(schema.properties.overwrite?.type).toBe("boolean");
  });
});
