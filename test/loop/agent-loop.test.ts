// The loop's guarantees, each over a real HTTP scripted model and in-memory tools: step cap, repeat guard,
// errors as results, cut-off calls refused, valid histories, concurrency with ordered results, abort.
import { afterEach, describe, expect, it } from "vitest";
import { hasValidToolPairs } from "../../agent/src/loop/history.js";
import { MemoryTools } from "../support/memory-tools.js";
import { type Harness, startHarness } from "./harness.js";

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const echoTools = () => new MemoryTools().add("echo", async (args) => `echo: ${JSON.stringify(args)}`);
const call = (name: string, args: Record<string, unknown> | string, id?: string) => ({
  name,
  arguments: args,
  ...(id ? { id } : {}),
});
const toolMessages = (harness: Harness) => harness.history.messages.filter((m) => m.role === "tool");

describe("agent loop", () => {
  it("runs tools until the model answers without tool calls, and returns the answer", async () => {
    const tools = echoTools();
    h = await startHarness(tools);
    h.llm.enqueue(
      { toolCalls: [call("echo", { n: 1 })] },
      { toolCalls: [call("echo", { n: 2 })] },
      { text: "All done." },
    );
    const result = await h.run("do it");
    expect(result).toMatchObject({ reason: "done", text: "All done.", steps: 3 });
    expect(tools.calls.map((c) => c.args)).toEqual([{ n: 1 }, { n: 2 }]);
    const last = h.llm.requests[2]?.body.messages.at(-1);
    expect(last).toMatchObject({ role: "tool", content: 'echo: {"n":2}' });
  });

  it("offers the tool list and a system prompt naming the workspace and the tools", async () => {
    h = await startHarness(echoTools());
    h.llm.enqueue({ text: "hi" });
    await h.run("hello");
    const body = h.llm.requests[0]?.body;
    expect(body?.tools?.map((t) => t.function.name)).toEqual(["echo"]);
    expect(body?.messages[0]?.role).toBe("system");
    expect(body?.messages[0]?.content).toContain("/workspace");
    expect(body?.messages[0]?.content).toContain("echo");
  });

  it("stops at the step cap with a clear message", async () => {
    h = await startHarness(echoTools(), { maxSteps: 3 });
    for (let i = 0; i < 5; i++) h.llm.enqueue({ toolCalls: [call("echo", { i })] });
    const result = await h.run("loop forever");
    expect(result.reason).toBe("max_steps");
    expect(result.message).toMatch(/3 steps.*--max-steps/);
    expect(h.llm.requests).toHaveLength(3);
    expect(hasValidToolPairs(h.history.messages)).toBe(true);
  });

  it("warns on the third identical call in a row and ends the turn if the model keeps going", async () => {
    const tools = echoTools();
    h = await startHarness(tools);
    const same = () => ({ toolCalls: [call("echo", { a: 1, b: 2 })] });
    // Key order differs on the third call: canonical arguments still match.
    h.llm.enqueue(same(), same(), { toolCalls: [call("echo", '{"b":2,"a":1}')] }, same(), { text: "unused" });
    const result = await h.run("go");
    expect(tools.calls).toHaveLength(2);
    const results = toolMessages(h);
    expect(results[2]?.content).toMatch(/repeating/);
    expect(result.reason).toBe("repeated_calls");
    expect(h.llm.requests).toHaveLength(4);
  });

  it("detects an A-B-A-B cycle", async () => {
    const tools = echoTools();
    h = await startHarness(tools);
    h.llm.enqueue(
      { toolCalls: [call("echo", { x: "a" })] },
      { toolCalls: [call("echo", { x: "b" })] },
      { toolCalls: [call("echo", { x: "a" })] },
      { toolCalls: [call("echo", { x: "b" })] },
      { text: "ok, I'll stop" },
    );
    const result = await h.run("go");
    expect(result.reason).toBe("done");
    expect(tools.calls).toHaveLength(3);
    expect(toolMessages(h)[3]?.content).toMatch(/repeating/);
  });

  it("turns a throwing tool, an unknown tool and malformed JSON into error results and carries on", async () => {
    const tools = echoTools().add("boom", async () => {
      throw new Error("disk on fire");
    });
    h = await startHarness(tools);
    h.llm.enqueue(
      { toolCalls: [call("boom", {}), call("nope", {}), call("echo", '{"path": "a.txt",')] },
      { toolCalls: [call("echo", "[1,2]")] },
      { text: "recovered" },
    );
    const result = await h.run("try");
    expect(result.reason).toBe("done");
    const results = toolMessages(h).map((m) => m.content);
    expect(results[0]).toBe("boom failed: disk on fire");
    expect(results[1]).toMatch(/Unknown tool "nope". Available tools: echo, boom/);
    expect(results[2]).toMatch(/not valid JSON/);
    expect(results[3]).toMatch(/must be a JSON object, not an array/);
    expect(tools.calls.map((c) => c.name)).toEqual(["boom"]);
  });

  it("does not run calls from a response cut off by finish_reason length", async () => {
    const tools = echoTools();
    h = await startHarness(tools);
    h.llm.enqueue(
      { toolCalls: [call("echo", '{"content":"half a fi')], finishReason: "length" },
      { text: "sorry" },
    );
    await h.run("write a big file");
    expect(tools.calls).toHaveLength(0);
    expect(toolMessages(h)[0]?.content).toMatch(/cut off/);
  });

  it("sends a valid history on every request: each call has exactly one result, in order", async () => {
    h = await startHarness(echoTools().add("boom", async () => Promise.reject(new Error("x"))));
    h.llm.enqueue(
      { toolCalls: [call("echo", { i: 1 }), call("boom", {}), call("echo", { i: 2 })] },
      { toolCalls: [call("missing", {})] },
      { text: "done" },
    );
    await h.run("go");
    for (const messages of h.sentHistories()) expect(hasValidToolPairs(messages)).toBe(true);
    const ids = h
      .sentHistories()[1]
      ?.filter((m) => m.role === "tool")
      .map((m) => m.role === "tool" && m.tool_call_id);
    const callIds =
      h.llm.requests.length &&
      (h.history.messages[1] as { tool_calls: { id: string }[] }).tool_calls.map((c) => c.id);
    expect(ids).toEqual(callIds);
  });

  it("runs the calls of one response concurrently and appends results in call order", async () => {
    let releaseSlow: () => void = () => {};
    const slowStarted = new Promise<void>((resolve) => {
      releaseSlow = resolve;
    });
    const tools = new MemoryTools()
      .add("slow", async () => {
        await slowStarted; // only resolves if "fast" runs while "slow" is still waiting
        return "slow result";
      })
      .add("fast", async () => {
        releaseSlow();
        return "fast result";
      });
    h = await startHarness(tools);
    h.llm.enqueue({ toolCalls: [call("slow", {}), call("fast", {})] }, { text: "ok" });
    await h.run("both");
    expect(toolMessages(h).map((m) => m.content)).toEqual(["slow result", "fast result"]);
  });

  it("runs 500 calls of one response at most 8 at a time, results still in call order", async () => {
    let running = 0;
    let most = 0;
    const tools = new MemoryTools().add("work", async (args) => {
      running++;
      most = Math.max(most, running);
      // Give every other call that could start a chance to, before this one finishes.
      await new Promise((resolve) => setImmediate(resolve));
      running--;
      return `done ${String(args.n)}`;
    });
    h = await startHarness(tools);
    const calls = Array.from({ length: 500 }, (_, n) => call("work", { n }));
    h.llm.enqueue({ toolCalls: calls }, { text: "ok" });
    await h.run("flood");
    expect(tools.calls).toHaveLength(500);
    expect(most).toBe(8);
    expect(toolMessages(h).map((m) => m.content)).toEqual(calls.map((_, n) => `done ${n}`));
  });

  it("aborts a running tool on Ctrl-C, keeps the history valid, and the next prompt works", async () => {
    let sawAbort = false;
    const tools = echoTools().add("hang", (_args, { signal }) => {
      return new Promise((_resolve, reject) => {
        signal.addEventListener("abort", () => {
          sawAbort = true;
          reject(new Error("killed"));
        });
      });
    });
    h = await startHarness(tools);
    h.llm.enqueue({ toolCalls: [call("hang", {})] }, { text: "second turn answer" });
    const controller = new AbortController();
    const running = h.run("start", controller.signal);
    await expect.poll(() => tools.calls.length).toBe(1);
    controller.abort();
    const result = await running;
    expect(result.reason).toBe("aborted");
    expect(sawAbort).toBe(true);
    expect(hasValidToolPairs(h.history.messages)).toBe(true);
    expect(toolMessages(h)[0]?.content).toMatch(/Interrupted/);
    const next = await h.run("again");
    expect(next).toMatchObject({ reason: "done", text: "second turn answer" });
    expect(h.sentHistories()[1]?.map((m) => m.role)).toEqual(["user", "assistant", "tool", "user"]);
  });

  it("aborts a hanging LLM request and keeps the user's message", async () => {
    h = await startHarness(echoTools());
    h.llm.enqueue({ kind: "hang" }, { text: "back" });
    const controller = new AbortController();
    const running = h.run("first", controller.signal);
    await expect.poll(() => h?.llm.requests.length).toBe(1);
    controller.abort();
    expect((await running).reason).toBe("aborted");
    expect((await h.run("second")).text).toBe("back");
    expect(h.sentHistories()[1]?.map((m) => m.content)).toEqual(["first", "second"]);
  });

  it("ends the turn with the provider's message when the LLM fails, and the session goes on", async () => {
    h = await startHarness(echoTools());
    h.llm.enqueue(
      { kind: "error", status: 400, message: "model does not support tools" },
      { text: "fine now" },
    );
    const result = await h.run("first");
    expect(result.reason).toBe("llm_error");
    expect(result.message).toMatch(/scripted at http:\/\/127\.0\.0\.1:\d+\/v1 failed: HTTP 400/);
    expect((await h.run("second")).reason).toBe("done");
  });

  it("sums usage per step into a session total", async () => {
    h = await startHarness(echoTools());
    h.llm.enqueue(
      { toolCalls: [call("echo", {})], usage: { prompt: 100, completion: 10 } },
      { text: "x", usage: { prompt: 120, completion: 7 } },
    );
    await h.run("go");
    expect(h.loop.usage).toEqual({ promptTokens: 220, completionTokens: 17 });
    const usageEvents = h.events.filter((e) => e.type === "usage");
    expect(usageEvents).toHaveLength(2);
  });

  it("scrubs tool results before they reach the model", async () => {
    const tools = new MemoryTools().add("leak", async () => "key=sk-secret-value-123");
    h = await startHarness(tools, { scrub: (t) => t.replaceAll("sk-secret-value-123", "[redacted]") });
    h.llm.enqueue({ toolCalls: [call("leak", {})] }, { text: "ok" });
    await h.run("go");
    expect(h.llm.requests[1]?.raw).not.toContain("sk-secret-value-123");
    expect(h.llm.requests[1]?.raw).toContain("[redacted]");
  });

  it("streams text deltas and tool progress as events", async () => {
    const tools = new MemoryTools().add("progress", async (_a, { onProgress }) => {
      onProgress?.("line 1\n");
      return "done";
    });
    h = await startHarness(tools);
    h.llm.enqueue({ text: "Let me look.", toolCalls: [call("progress", {})] }, { text: "Finished!" });
    await h.run("go");
    const kinds = h.events.map((e) => e.type);
    expect(kinds).toContain("text_delta");
    expect(kinds).toContain("tool_progress");
    expect(kinds.at(-1)).toBe("turn_end");
  });
});
