// Tests for turning untrusted MCP tool lists and results into what the LLM sees: names, caps, schemas,
// result text and placeholders, near-name hints, lost-session detection and backoff bounds.
import { StreamableHTTPError } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import type { Tool } from "@modelcontextprotocol/sdk/types.js";
import { backoffDelay } from "@ts-coding-agent/mcp-kit/backoff";
import { describe, expect, it } from "vitest";
import { isSessionLost, nearToolNames, UnknownToolError } from "../../agent/src/hub/hub-errors.js";
import { MAX_RESULT_CHARS, toolResultFromMcp } from "../../agent/src/hub/result-text.js";
import {
  convertTools,
  exposedToolName,
  MAX_DESCRIPTION_CHARS,
  MAX_TOOLS_PER_SERVER,
  toolListFingerprint,
} from "../../agent/src/hub/tool-names.js";

const tool = (name: string, extra: Partial<Tool> = {}): Tool => ({
  name,
  inputSchema: { type: "object", properties: { a: { type: "string" } } },
  ...extra,
});

describe("tool names", () => {
  it("prefixes server tools and leaves built-ins bare", () => {
    expect(exposedToolName("datetime", "get_current_time")).toBe("datetime__get_current_time");
    expect(exposedToolName(null, "read_file")).toBe("read_file");
  });

  it("replaces characters the LLM API rejects and refuses names over 64 characters", () => {
    expect(exposedToolName("fs", "read.file/v2")).toBe("fs__read_file_v2");
    expect(exposedToolName("fs", "x".repeat(61))).toBeNull();
    expect(exposedToolName("fs", "")).toBeNull();
  });
});

describe("convertTools", () => {
  it("caps descriptions, drops $schema and always gives an object schema with properties", () => {
    const { tools } = convertTools("s", [
      tool("long", { description: "d".repeat(5_000) }),
      tool("bare", {
        inputSchema: { type: "object", $schema: "http://json-schema.org/draft-07/schema#" } as never,
      }),
    ]);
    expect(tools[0]?.description.length).toBeLessThanOrEqual(MAX_DESCRIPTION_CHARS);
    expect(tools[0]?.description).toContain("[description cut]");
    expect(tools[1]?.parameters).toEqual({ type: "object", properties: {} });
  });

  it("keeps at most MAX_TOOLS_PER_SERVER tools and reports the rest as dropped", () => {
    const many = Array.from({ length: MAX_TOOLS_PER_SERVER + 5 }, (_, index) => tool(`t${index}`));
    const { tools, dropped } = convertTools("s", many);
    expect(tools).toHaveLength(MAX_TOOLS_PER_SERVER);
    expect(dropped).toHaveLength(5);
    expect(dropped[0]?.reason).toContain("limit");
  });

  it("drops a tool whose name collides after sanitising, or whose schema is huge", () => {
    const huge = { type: "object" as const, properties: { a: { description: "x".repeat(30_000) } } };
    const { tools, dropped } = convertTools("s", [
      tool("a.b"),
      tool("a_b"),
      tool("big", { inputSchema: huge }),
    ]);
    expect(tools.map((kept) => kept.exposedName)).toEqual(["s__a_b"]);
    expect(dropped.map((entry) => entry.mcpName)).toEqual(["a_b", "big"]);
  });

  it("fingerprints a tool list independently of order", () => {
    expect(toolListFingerprint([tool("a"), tool("b")])).toBe(toolListFingerprint([tool("b"), tool("a")]));
    expect(toolListFingerprint([tool("a")])).not.toBe(
      toolListFingerprint([tool("a", { description: "new" })]),
    );
  });
});

describe("toolResultFromMcp", () => {
  it("joins text blocks and keeps isError", () => {
    const result = toolResultFromMcp({
      content: [
        { type: "text", text: "one" },
        { type: "text", text: "two" },
      ],
      isError: true,
    });
    expect(result).toEqual({ text: "one\ntwo", isError: true });
  });

  it("turns binary blocks into one placeholder line each", () => {
    const data = Buffer.alloc(12 * 1024).toString("base64");
    const { text } = toolResultFromMcp({
      content: [
        { type: "image", data, mimeType: "image/png" },
        { type: "audio", data: "AAAA", mimeType: "audio/wav" },
        { type: "resource_link", uri: "file:///a.txt", name: "a" },
        { type: "resource", resource: { uri: "file:///b.bin", blob: "AAAA", mimeType: "application/zip" } },
        { type: "resource", resource: { uri: "file:///c.txt", text: "hello" } },
      ],
    });
    expect(text.split("\n")).toEqual([
      "[image: image/png, 12 KB]",
      "[audio: audio/wav, 3 B]",
      "[resource link: file:///a.txt (a)]",
      "[resource: file:///b.bin, application/zip, 3 B]",
      "[resource: file:///c.txt]",
      "hello",
    ]);
  });

  it("uses structured content as JSON when there is no text", () => {
    const { text } = toolResultFromMcp({ content: [], structuredContent: { temperature: 21 } });
    expect(JSON.parse(text)).toEqual({ temperature: 21 });
  });

  it("says so when a result is empty", () => {
    expect(toolResultFromMcp({ content: [] }).text).toBe("(no output)");
  });

  it("cuts the middle of a huge result, keeping its head and its tail, and says how much was dropped", () => {
    const body = `HEAD-MARK${"y".repeat(MAX_RESULT_CHARS * 3)}TAIL-MARK [exit code 1]`;
    const { text } = toolResultFromMcp({ content: [{ type: "text", text: body }] });
    expect(text.length).toBe(MAX_RESULT_CHARS);
    expect(text.startsWith("HEAD-MARK")).toBe(true);
    expect(text.endsWith("TAIL-MARK [exit code 1]")).toBe(true);
    const note = /\n\[output truncated: (\d+) of (\d+) characters cut from the middle\]\n/.exec(text);
    expect(Number(note?.[2])).toBe(body.length);
    // What is shown plus what was dropped is the whole text.
    expect(text.length - (note?.[0].length ?? 0) + Number(note?.[1])).toBe(body.length);
  });
});

describe("hub errors", () => {
  it("suggests near names for an unknown tool: a typo, or the tool without its server prefix", () => {
    const known = ["read_file", "write_file", "datetime__get_current_time", "shell"];
    expect(nearToolNames("read_fil", known)).toContain("read_file");
    expect(nearToolNames("get_current_time", known)).toContain("datetime__get_current_time");
    expect(nearToolNames("zzzzzzzz", known)).toEqual([]);
    expect(new UnknownToolError("read_fil", ["read_file"]).message).toContain("Did you mean read_file?");
  });

  it("recognises a lost session or connection, and nothing else", () => {
    expect(isSessionLost(new StreamableHTTPError(404, "Session not found"))).toBe(true);
    expect(isSessionLost(new StreamableHTTPError(400, "Bad Request: No valid session ID provided"))).toBe(
      true,
    );
    expect(isSessionLost(new StreamableHTTPError(400, "bad arguments"))).toBe(false);
    const refused = Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" });
    expect(isSessionLost(new TypeError("fetch failed", { cause: refused }))).toBe(true);
    expect(isSessionLost(new Error("Request timed out"))).toBe(false);
    expect(isSessionLost("text")).toBe(false);
  });
});

describe("backoffDelay", () => {
  it("grows exponentially, is capped and jittered between 50 and 100 %", () => {
    const policy = { initialMs: 1_000, maxMs: 30_000 };
    expect(backoffDelay(1, policy, () => 1)).toBe(1_000);
    expect(backoffDelay(3, policy, () => 1)).toBe(4_000);
    expect(backoffDelay(50, policy, () => 1)).toBe(30_000);
    expect(backoffDelay(50, policy, () => 0)).toBe(15_000);
  });
});

describe("schema noise", () => {
  it("drops zod's ±2^53 integer bounds and $schema, keeping real bounds", async () => {
    const { toLlmParameters } = await import("../../agent/src/hub/tool-names.js");
    const schema = toLlmParameters({
      type: "object",
      $schema: "http://json-schema.org/draft-07/schema#",
      properties: {
        offset: { type: "integer", minimum: 1, maximum: Number.MAX_SAFE_INTEGER },
        delta: { type: "integer", minimum: Number.MIN_SAFE_INTEGER, maximum: 10 },
        nested: { type: "array", items: { type: "integer", maximum: Number.MAX_SAFE_INTEGER } },
      },
    });
    expect(schema).toEqual({
      type: "object",
      properties: {
        offset: { type: "integer", minimum: 1 },
        delta: { type: "integer", maximum: 10 },
        nested: { type: "array", items: { type: "integer" } },
      },
    });
  });
});
