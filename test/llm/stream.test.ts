// The tool-call accumulator on hand-made chunk sequences that real servers send.
import { describe, expect, it } from "vitest";
import { StreamAccumulator } from "../../agent/src/llm/stream.js";

const calls = (acc: StreamAccumulator) =>
  acc.result().toolCalls.map((c) => [c.function.name, c.function.arguments]);

describe("stream accumulator", () => {
  it("adopts an id that arrives after the index-only first delta instead of splitting the call", () => {
    const acc = new StreamAccumulator();
    acc.push({ choices: [{ delta: { tool_calls: [{ index: 0, function: { name: "shell" } }] } }] });
    acc.push({
      choices: [{ delta: { tool_calls: [{ index: 0, id: "c1", function: { arguments: '{"co' } }] } }],
    });
    acc.push({
      choices: [{ delta: { tool_calls: [{ index: 0, function: { arguments: 'mmand":"ls"}' } }] } }],
    });
    expect(calls(acc)).toEqual([["shell", '{"command":"ls"}']]);
    expect(acc.result().toolCalls[0]?.id).toBe("c1");
  });

  it("does not double a name a server resends with every delta of the same call", () => {
    const acc = new StreamAccumulator();
    acc.push({
      choices: [
        { delta: { tool_calls: [{ index: 0, id: "a", function: { name: "shell", arguments: "{" } }] } },
      ],
    });
    acc.push({
      choices: [
        { delta: { tool_calls: [{ index: 0, id: "a", function: { name: "shell", arguments: "}" } }] } },
      ],
    });
    expect(calls(acc)).toEqual([["shell", "{}"]]);
  });

  it("treats a whole second call under index 0 without ids as a new call", () => {
    const acc = new StreamAccumulator();
    acc.push({
      choices: [{ delta: { tool_calls: [{ index: 0, function: { name: "a", arguments: "{}" } }] } }],
    });
    acc.push({
      choices: [{ delta: { tool_calls: [{ index: 0, function: { name: "b", arguments: "{}" } }] } }],
    });
    expect(calls(acc)).toEqual([
      ["a", "{}"],
      ["b", "{}"],
    ]);
    const ids = acc.result().toolCalls.map((c) => c.id);
    expect(new Set(ids).size).toBe(2);
  });

  it("infers tool_calls when a server sends no finish reason", () => {
    const acc = new StreamAccumulator();
    acc.push({
      choices: [{ delta: { tool_calls: [{ id: "x", function: { name: "a", arguments: "{}" } }] } }],
    });
    expect(acc.result().finishReason).toBe("tool_calls");
  });

  it("reads usage from the final chunk that has no choices", () => {
    const acc = new StreamAccumulator();
    acc.push({ choices: [{ delta: { content: "hi" }, finish_reason: "stop" }] });
    acc.push({ choices: [], usage: { prompt_tokens: 7, completion_tokens: 2 } });
    expect(acc.result()).toMatchObject({
      text: "hi",
      finishReason: "stop",
      usage: { promptTokens: 7, completionTokens: 2 },
    });
  });
});
