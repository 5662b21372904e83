// Text-form tool-call recovery: every format, the cases that must not become calls, the streaming hold-back
// index, and agreement with the recorded-quirks corpus under test/fixtures/llm-quirks/.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import type { OfferedTool } from "../../agent/src/llm/text-tool-calls.js";
import { recoverTextToolCalls, textToolCallStart } from "../../agent/src/llm/text-tool-calls.js";

const TOOLS: OfferedTool[] = [
  {
    name: "read_file",
    parameters: {
      type: "object",
      properties: { path: { type: "string" }, offset: { type: "integer" }, limit: { type: "integer" } },
    },
  },
  {
    name: "write_file",
    parameters: { type: "object", properties: { path: { type: "string" }, content: { type: "string" } } },
  },
  {
    name: "edit_file",
    parameters: {
      type: "object",
      properties: {
        path: { type: "string" },
        old_text: { type: "string" },
        new_text: { type: "string" },
        replace_all: { type: "boolean" },
      },
    },
  },
  { name: "list_files", parameters: { type: "object", properties: { path: { type: "string" } } } },
  {
    name: "shell",
    parameters: {
      type: "object",
      properties: { command: { type: "string" }, timeout_seconds: { type: ["number", "null"] } },
    },
  },
  {
    name: "configure",
    parameters: {
      type: "object",
      properties: { options: { type: "object" }, tags: { type: "array" }, ratio: { type: "number" } },
    },
  },
];

const recover = (content: string) => recoverTextToolCalls(content, TOOLS);

describe("bare JSON", () => {
  it("recovers a whole-content call, as qwen2.5-coder writes it", () => {
    expect(
      recover('{"name": "write_file", "arguments": {"path": "todo.md", "content": "hello\\n"}}'),
    ).toEqual({
      calls: [{ name: "write_file", arguments: { path: "todo.md", content: "hello\n" } }],
      text: "",
      format: "json",
    });
  });

  it("accepts surrounding whitespace and a ```json fence around the whole content", () => {
    const fenced = '\n```json\n{"name": "list_files", "parameters": {"path": "."}}\n```\n';
    expect(recover(fenced)?.calls).toEqual([{ name: "list_files", arguments: { path: "." } }]);
    expect(recover('```\n{"name": "list_files", "arguments": {}}\n```')?.calls).toEqual([
      { name: "list_files", arguments: {} },
    ]);
  });

  it("takes Llama's parameters key, with or without type: function, and OpenAI's nested shape", () => {
    expect(
      recover('{"type": "function", "name": "read_file", "parameters": {"path": "a.ts"}}')?.calls,
    ).toEqual([{ name: "read_file", arguments: { path: "a.ts" } }]);
    expect(
      recover('{"type":"function","function":{"name":"read_file","arguments":"{\\"path\\":\\"b\\"}"}}')
        ?.calls,
    ).toEqual([{ name: "read_file", arguments: { path: "b" } }]);
  });

  it("recovers an array of calls and several objects one per line", () => {
    const array =
      '[{"name": "read_file", "arguments": {"path": "a"}}, {"name": "read_file", "arguments": {"path": "b"}}]';
    const lines =
      '{"name": "read_file", "arguments": {"path": "a"}}\n{"name": "list_files", "arguments": {"path": "."}}';
    expect(recover(array)?.calls.map((c) => c.arguments.path)).toEqual(["a", "b"]);
    expect(recover(lines)?.calls.map((c) => c.name)).toEqual(["read_file", "list_files"]);
  });

  it("parses arguments given as a JSON string, and accepts a functions. prefix", () => {
    expect(recover('{"name": "functions.read_file", "arguments": "{\\"path\\":\\"a\\"}"}')?.calls).toEqual([
      { name: "read_file", arguments: { path: "a" } },
    ]);
  });

  it("does not take JSON shown inside explanatory prose", () => {
    expect(
      recover('For example: {"name": "read_file", "arguments": {"path": "a"}} reads a file.'),
    ).toBeUndefined();
    expect(
      recover('Call it like this:\n```json\n{"name": "read_file", "arguments": {"path": "a"}}\n```'),
    ).toBeUndefined();
  });

  it("does not take a JSON answer that is data", () => {
    expect(recover('{"name": "Alice", "age": 30}')).toBeUndefined();
    expect(recover('{"name": "read_file"}')).toBeUndefined();
    expect(recover('{"name": "read_file", "arguments": {"path": "a"}, "result": "ok"}')).toBeUndefined();
    expect(recover('[{"city": "Paris"}, {"city": "Tokyo"}]')).toBeUndefined();
    expect(recover("[1, 2, 3]")).toBeUndefined();
  });

  it("rejects an unknown tool, and a response mixing a valid call with an invalid one", () => {
    expect(recover('{"name": "Skill", "arguments": {"name": "none"}}')).toBeUndefined();
    expect(
      recover(
        '[{"name": "read_file", "arguments": {"path": "a"}}, {"name": "delete_repo", "arguments": {}}]',
      ),
    ).toBeUndefined();
  });

  it("rejects malformed JSON and arguments that are not an object", () => {
    expect(recover('{"name": "read_file", "arguments": {"path": "a"}')).toBeUndefined();
    expect(recover('{"name": "read_file", "arguments": "{path: a}"}')).toBeUndefined();
    expect(recover('{"name": "read_file", "arguments": ["a"]}')).toBeUndefined();
  });

  it("finds nothing when no tools were offered, and never throws", () => {
    expect(recoverTextToolCalls('{"name": "read_file", "arguments": {}}', [])).toBeUndefined();
    expect(recover("")).toBeUndefined();
    expect(recover("{".repeat(10_000))).toBeUndefined();
  });
});

describe("Hermes <tool_call>", () => {
  it("recovers one call and keeps the prose around it", () => {
    const content =
      'Let me read it.\n<tool_call>\n{"name": "read_file", "arguments": {"path": "a.ts"}}\n</tool_call>';
    expect(recover(content)).toEqual({
      calls: [{ name: "read_file", arguments: { path: "a.ts" } }],
      text: "Let me read it.",
      format: "hermes",
    });
  });

  it("recovers several calls, a missing closing tag, and arguments as a string", () => {
    const content =
      '<tool_call>{"name": "read_file", "arguments": {"path": "a"}}</tool_call>\n' +
      '<tool_call>{"name": "read_file", "arguments": "{\\"path\\": \\"b\\"}"}';
    expect(recover(content)?.calls).toEqual([
      { name: "read_file", arguments: { path: "a" } },
      { name: "read_file", arguments: { path: "b" } },
    ]);
  });

  it("is not cut by a closing tag written inside a JSON string", () => {
    const content =
      '<tool_call>\n{"name": "write_file", "arguments": {"path": "doc.md", "content": "ends with </tool_call>"}}\n</tool_call>';
    expect(recover(content)?.calls[0]?.arguments.content).toBe("ends with </tool_call>");
  });

  it("treats the whole response as no call when one marked call is malformed or unknown", () => {
    const good = '<tool_call>{"name": "read_file", "arguments": {"path": "a"}}</tool_call>';
    expect(
      recover(`${good}\n<tool_call>{"name": "read_file", "arguments": {"path": </tool_call>`),
    ).toBeUndefined();
    expect(recover(`${good}\n<tool_call>{"name": "rm_rf", "arguments": {}}</tool_call>`)).toBeUndefined();
    expect(recover("<tool_call></tool_call>")).toBeUndefined();
  });

  it("ignores a marker inside a fenced code block or inline code", () => {
    const fenced =
      'The format is:\n```\n<tool_call>\n{"name": "read_file", "arguments": {"path": "a"}}\n</tool_call>\n```';
    const inline =
      'Models write `<tool_call>{"name": "read_file", "arguments": {}}</tool_call>` to call tools.';
    expect(recover(fenced)).toBeUndefined();
    expect(recover(inline)).toBeUndefined();
  });

  it("still finds a real call after a code block that only shows one", () => {
    const content =
      'Example:\n```\n<tool_call>{"name": "rm_rf"}</tool_call>\n```\nNow for real:\n' +
      '<tool_call>{"name": "list_files", "arguments": {"path": "."}}</tool_call>';
    const recovered = recover(content);
    expect(recovered?.calls).toEqual([{ name: "list_files", arguments: { path: "." } }]);
    expect(recovered?.text).toContain("Now for real:");
  });
});

describe("Qwen3-Coder XML", () => {
  it("recovers a wrapped call, trims one newline around each value and types values by the schema", () => {
    const content =
      "<tool_call>\n<function=read_file>\n<parameter=path>\nsrc/a.ts\n</parameter>\n" +
      "<parameter=offset>\n10\n</parameter>\n</function>\n</tool_call>";
    expect(recover(content)).toEqual({
      calls: [{ name: "read_file", arguments: { path: "src/a.ts", offset: 10 } }],
      text: "",
      format: "qwen-xml",
    });
  });

  it("keeps a string value's inner newlines and indentation exactly", () => {
    const content =
      "<function=write_file>\n<parameter=path>\nx.py\n</parameter>\n<parameter=content>\n" +
      "def f():\n    return 1\n\n</parameter>\n</function>";
    expect(recover(content)?.calls[0]?.arguments).toEqual({
      path: "x.py",
      content: "def f():\n    return 1\n",
    });
  });

  it("converts boolean, number, object and array values and leaves what does not convert as text", () => {
    const content =
      '<function=configure>\n<parameter=options>\n{"a": 1}\n</parameter>\n<parameter=tags>\n["x"]\n</parameter>\n' +
      "<parameter=ratio>\n0.5\n</parameter>\n<parameter=unknown>\n42\n</parameter>\n</function>";
    expect(recover(content)?.calls[0]?.arguments).toEqual({
      options: { a: 1 },
      tags: ["x"],
      ratio: 0.5,
      unknown: "42",
    });
    const edit = "<function=edit_file>\n<parameter=replace_all>\ntrue\n</parameter>\n</function>";
    expect(recover(edit)?.calls[0]?.arguments).toEqual({ replace_all: true });
    const bad = "<function=read_file>\n<parameter=offset>\nten\n</parameter>\n</function>";
    expect(recover(bad)?.calls[0]?.arguments).toEqual({ offset: "ten" });
    const nullable = "<function=shell>\n<parameter=timeout_seconds>\n30\n</parameter>\n</function>";
    expect(recover(nullable)?.calls[0]?.arguments).toEqual({ timeout_seconds: 30 });
  });

  it("recovers the form without <tool_call> and without closing tags, after prose", () => {
    const content =
      'I\'ll create a file called test.txt with the content "hello".\n\n' +
      "<function=write_file>\n<parameter=path> test.txt\n<parameter=content> hello";
    expect(recover(content)).toEqual({
      calls: [{ name: "write_file", arguments: { path: "test.txt", content: "hello" } }],
      text: 'I\'ll create a file called test.txt with the content "hello".',
      format: "qwen-xml",
    });
  });

  it("recovers several functions in one wrapper and a stray closing </tool_call>", () => {
    const two =
      "<tool_call>\n<function=read_file>\n<parameter=path>\na\n</parameter>\n</function>\n" +
      "<function=read_file>\n<parameter=path>\nb\n</parameter>\n</function>\n</tool_call>";
    expect(recover(two)?.calls.map((c) => c.arguments.path)).toEqual(["a", "b"]);
    const stray =
      "<function=list_files>\n<parameter=path>\n.\n</parameter>\n</function>\n</tool_call>\nDone?";
    expect(recover(stray)?.text).toBe("Done?");
  });

  it("accepts a function with no parameters and a JSON body", () => {
    expect(recover("<tool_call>\n<function=list_files>\n</function>\n</tool_call>")?.calls).toEqual([
      { name: "list_files", arguments: {} },
    ]);
    expect(recover('<function=read_file>{"path": "a"}</function>')?.calls).toEqual([
      { name: "read_file", arguments: { path: "a" } },
    ]);
  });

  it("rejects an unknown function, stray text between parameters, and a malformed JSON body", () => {
    expect(
      recover("<function=create_new_file>\n<parameter=filepath>\na\n</parameter>\n</function>"),
    ).toBeUndefined();
    expect(
      recover("<tool_call>\n<function=read_file>\nsome text\n</function>\n</tool_call>"),
    ).toBeUndefined();
    expect(recover('<function=read_file>{"path": </function>')).toBeUndefined();
    expect(recover("<tool_call><function=read_file></function> junk</tool_call>")).toBeUndefined();
  });
});

describe("Mistral [TOOL_CALLS]", () => {
  it("recovers the JSON-list form, several calls at once", () => {
    const content =
      '[TOOL_CALLS] [{"name": "read_file", "arguments": {"path": "a"}}, {"name": "list_files", "arguments": {}}]';
    expect(recover(content)).toEqual({
      calls: [
        { name: "read_file", arguments: { path: "a" } },
        { name: "list_files", arguments: {} },
      ],
      text: "",
      format: "mistral",
    });
  });

  it("recovers the name[ARGS]{...} form, repeated, and keeps trailing prose", () => {
    const content =
      '[TOOL_CALLS]read_file[ARGS]{"path": "a"}[TOOL_CALLS]read_file[ARGS]{"path": "b"}\n\nLet me check both.';
    const recovered = recover(content);
    expect(recovered?.calls.map((c) => c.arguments.path)).toEqual(["a", "b"]);
    expect(recovered?.text).toBe("Let me check both.");
  });

  it("rejects invalid JSON after the marker, as a model sends when it fakes a call", () => {
    expect(recover('[TOOL_CALLS]{"content": Movement complete}')).toBeUndefined();
    expect(recover("[TOOL_CALLS][{'name': 'read_file', 'arguments': {'path': 'a'}}]")).toBeUndefined();
    expect(recover('[TOOL_CALLS]format_disk[ARGS]{"drive": "c"}')).toBeUndefined();
  });
});

describe("Llama <|python_tag|>", () => {
  it("recovers one call with parameters, and several separated by ;", () => {
    expect(recover('<|python_tag|>{"name": "read_file", "parameters": {"path": "a"}}')).toEqual({
      calls: [{ name: "read_file", arguments: { path: "a" } }],
      text: "",
      format: "llama",
    });
    const two =
      '<|python_tag|>{"type": "function", "name": "read_file", "parameters": {"path": "a"}}; ' +
      '{"name": "list_files", "parameters": {"path": "."}}<|eom_id|>';
    expect(recover(two)?.calls.map((c) => c.name)).toEqual(["read_file", "list_files"]);
  });

  it("recovers Llama 4's <|python_start|>...<|python_end|> spelling", () => {
    const content = '<|python_start|>{"name": "read_file", "parameters": {"path": "a"}}<|python_end|>';
    expect(recover(content)).toEqual({
      calls: [{ name: "read_file", arguments: { path: "a" } }],
      text: "",
      format: "llama",
    });
    expect(textToolCallStart("One moment. <|python_st")).toBe(12);
  });

  it("rejects Llama's built-in tool syntax, which is not one of ours", () => {
    expect(recover('<|python_tag|>brave_search.call(query="weather")')).toBeUndefined();
  });
});

describe("textToolCallStart", () => {
  it("holds back from a partial marker at the very end", () => {
    expect(textToolCallStart("Let me look.\n<tool_")).toBe(13);
    expect(textToolCallStart("Sure [TOOL_C")).toBe(5);
    expect(textToolCallStart("ok <|python")).toBe(3);
    expect(textToolCallStart("a <func")).toBe(2);
  });

  it("holds back from a complete marker in the middle of the text", () => {
    const text = 'I will read it.\n<tool_call>\n{"name": "read_';
    expect(textToolCallStart(text)).toBe(text.indexOf("<tool_call>"));
    expect(textToolCallStart("Reading.\n<function=read_file>\n<param")).toBe(9);
  });

  it("holds back a content that opens with JSON or a ```json fence", () => {
    expect(textToolCallStart('  {"name": "re')).toBe(2);
    expect(textToolCallStart("[{")).toBe(0);
    expect(textToolCallStart("``")).toBe(0);
    expect(textToolCallStart("```json\n{")).toBe(0);
    expect(textToolCallStart("```\n")).toBe(0);
  });

  it("lets plain prose, prose with a brace mid-sentence, and other code blocks through", () => {
    expect(textToolCallStart("Here is the answer.")).toBeUndefined();
    expect(textToolCallStart("Use an object like {a: 1} when calling it.")).toBeUndefined();
    expect(textToolCallStart("```python\nprint(1)\n```")).toBeUndefined();
    expect(textToolCallStart("[Docs](https://x.y) say so")).toBeUndefined();
    expect(textToolCallStart("")).toBeUndefined();
  });

  it("ignores markers inside code", () => {
    expect(textToolCallStart("Write `<tool_call>` to call.")).toBeUndefined();
    expect(textToolCallStart("```\n<tool_call>\n")).toBeUndefined();
  });
});

const FIXTURES = join(import.meta.dirname, "../fixtures/llm-quirks");

const Fixture = z.strictObject({
  source: z.string().regex(/^https:\/\/github\.com\/[\w.-]+\/[\w.-]+\/(issues|pull)\/\d+$/),
  summary: z.string().min(20),
  server: z.enum([
    "ollama-openai",
    "ollama-native",
    "vllm",
    "llama.cpp",
    "lmstudio",
    "openrouter",
    "deepseek",
    "litellm",
  ]),
  api: z.enum(["openai", "ollama"]),
  stream: z.boolean(),
  tools: z.array(z.string()),
  response: z.union([
    z.strictObject({ chunks: z.array(z.unknown()).min(1) }),
    z.strictObject({ body: z.unknown() }),
  ]),
  expect: z.strictObject({
    text: z.string(),
    reasoning: z.string().optional(),
    toolCalls: z
      .array(z.strictObject({ name: z.string(), arguments: z.record(z.string(), z.unknown()) }))
      .optional(),
  }),
});
type Fixture = z.infer<typeof Fixture>;

/** The pieces of a response the text parser sees: content, and whether any structured call came. */
const Message = z.looseObject({
  content: z.string().nullish(),
  tool_calls: z.array(z.unknown()).nullish(),
});
const OpenAiChunk = z.looseObject({ choices: z.array(z.looseObject({ delta: Message.optional() })) });
const OpenAiBody = z.looseObject({ choices: z.array(z.looseObject({ message: Message })) });
const OllamaChunk = z.looseObject({ message: Message.optional() });

function messages(fixture: Fixture): z.infer<typeof Message>[] {
  const { api, response } = fixture;
  const items = "chunks" in response ? response.chunks : [response.body];
  if (api === "ollama") return items.map((item) => OllamaChunk.parse(item).message ?? {});
  if ("chunks" in response) {
    return items.flatMap((item) => OpenAiChunk.parse(item).choices.map((choice) => choice.delta ?? {}));
  }
  return OpenAiBody.parse(response.body).choices.map((choice) => choice.message);
}

function loadFixtures(): Array<{ file: string; fixture: Fixture }> {
  return readdirSync(FIXTURES)
    .filter((file) => file.endsWith(".json"))
    .map((file) => ({
      file,
      fixture: Fixture.parse(JSON.parse(readFileSync(join(FIXTURES, file), "utf8"))),
    }));
}

describe("recorded-quirks corpus", () => {
  const fixtures = loadFixtures();

  it("holds 12 to 20 fixtures in the documented format, each naming a public thread", () => {
    expect(fixtures.length).toBeGreaterThanOrEqual(12);
    expect(fixtures.length).toBeLessThanOrEqual(20);
    expect(new Set(fixtures.map((f) => f.fixture.source)).size).toBe(fixtures.length);
  });

  it.each(fixtures)("agrees with the text parser: $file", ({ fixture }) => {
    const parts = messages(fixture);
    if (parts.some((part) => (part.tool_calls?.length ?? 0) > 0)) return; // structured calls: not ours
    const content = parts.map((part) => part.content ?? "").join("");
    const tools = fixture.tools.map((name) => ({ name }));
    const recovered = recoverTextToolCalls(content, tools);
    const expected = fixture.expect.toolCalls ?? [];
    if (expected.length === 0) {
      expect(recovered).toBeUndefined();
      return;
    }
    expect(recovered?.calls).toEqual(expected);
    expect(recovered?.text).toBe(fixture.expect.text);
    // Streaming display holds the call back from where it starts, and only the prose before it is shown.
    const start = textToolCallStart(content);
    expect(start).toBeDefined();
    expect(content.slice(0, start).trim()).toBe(fixture.expect.text);
  });
});
