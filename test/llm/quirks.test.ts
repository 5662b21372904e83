// The recorded-quirks corpus (test/fixtures/llm-quirks), each fixture a public thread's wire data, played by
// the scripted server through the real client: what the user sees, the reasoning shown apart, and the calls
// that may run must be what the fixture expects, whatever the server did.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { createChatModel } from "../../agent/src/llm/client.js";
import { parseArguments } from "../../agent/src/loop/agent-loop.js";
import { repoRoot } from "../support/repo-root.js";
import { ScriptedLlm } from "../support/scripted-llm.js";

interface Fixture {
  source: string;
  summary: string;
  api: "openai" | "ollama";
  stream: boolean;
  tools: string[];
  response: { chunks?: unknown[]; body?: unknown };
  expect: {
    text: string;
    reasoning?: string;
    toolCalls?: Array<{ name: string; arguments: Record<string, unknown> }>;
  };
}

const dir = join(repoRoot, "test", "fixtures", "llm-quirks");
const fixtures = readdirSync(dir)
  .filter((file) => file.endsWith(".json"))
  .map((file) => ({ file, fixture: JSON.parse(readFileSync(join(dir, file), "utf8")) as Fixture }));

let llm: ScriptedLlm | undefined;
afterEach(async () => {
  await llm?.close();
  llm = undefined;
});

describe("recorded server quirks", () => {
  it("has a fixture for every quirk the client handles, each naming its public thread", () => {
    expect(fixtures.length).toBeGreaterThanOrEqual(15);
    for (const { fixture } of fixtures)
      expect(fixture.source).toMatch(/^https:\/\/github\.com\/[\w.-]+\/[\w.-]+\/(issues|pull)\/\d+$/);
  });

  it.each(fixtures)("$file", async ({ fixture }) => {
    llm = await ScriptedLlm.start({ ollama: fixture.api === "ollama" });
    llm.models["m"] = { contextLength: 32_768 };
    llm.enqueue({ kind: "recorded", ...fixture.response });
    const model = createChatModel({
      provider: {
        name: "quirk",
        api: fixture.api,
        baseURL: fixture.api === "ollama" ? llm.rootURL : llm.baseURL,
        defaultModel: "m",
        keyName: "quirk",
        requiresKey: true, // hosted-like: no probing for Ollama behind /v1
        stream: fixture.stream,
      },
      model: "m",
      apiKey: () => "sk-quirk-0000",
      timeoutMs: 5_000,
      retry: { maxRetries: 0, baseDelayMs: 1, maxDelayMs: 1 },
    });
    let shown = "";
    let reasoned = "";
    const response = await model.chat({
      messages: [{ role: "user", content: "do it" }],
      tools: fixture.tools.map((name) => ({
        name,
        description: name,
        parameters: { type: "object", properties: { path: { type: "string" }, content: { type: "string" } } },
      })),
      signal: new AbortController().signal,
      onText: (text) => {
        shown += text;
      },
      onReasoning: (text) => {
        reasoned += text;
      },
    });
    // What may run: calls with valid arguments from a response that was not cut.
    const runnable =
      response.finishReason === "length" ? [] : response.toolCalls.filter((c) => parseArguments(c).ok);
    expect(
      runnable.map((c) => ({ name: c.function.name, arguments: JSON.parse(c.function.arguments) })),
    ).toEqual(fixture.expect.toolCalls ?? []);
    expect(response.text.trim()).toBe(fixture.expect.text.trim());
    expect((response.reasoning ?? "").trim()).toBe((fixture.expect.reasoning ?? "").trim());
    // The screen: a streamed answer shows exactly the answer; markup of a call is never shown; reasoning apart.
    if (fixture.stream) {
      expect(shown.trim()).toBe(fixture.expect.text.trim());
      expect(reasoned.trim()).toBe((fixture.expect.reasoning ?? "").trim());
    }
  });
});
