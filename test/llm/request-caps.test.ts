// A runaway server cannot grow the agent without bound: one response is cut at a total-time cap and at a size
// cap, with an error that says which and what to do, and is not retried.
import { afterEach, describe, expect, it } from "vitest";
import { createChatModel } from "../../agent/src/llm/client.js";
import { LlmError } from "../../agent/src/llm/llm-error.js";
import { ScriptedLlm } from "../support/scripted-llm.js";
import { scriptedProvider } from "../support/scripted-model.js";

let llm: ScriptedLlm | undefined;
afterEach(async () => {
  await llm?.close();
  llm = undefined;
});

async function endlessModel(limits: { totalMs?: number; maxChars?: number }) {
  llm = await ScriptedLlm.start();
  llm.enqueue({ kind: "endless", everyMs: 5 }, { text: "a retry would get this" });
  return createChatModel({
    provider: scriptedProvider(llm.baseURL),
    model: "m",
    apiKey: () => undefined,
    timeoutMs: 5_000,
    limits,
    retry: { maxRetries: 2, baseDelayMs: 1, maxDelayMs: 1 },
  });
}

const ask = (model: ReturnType<typeof createChatModel>) =>
  model
    .chat({ messages: [{ role: "user", content: "go" }], tools: [], signal: new AbortController().signal })
    .catch((error: unknown) => error as LlmError);

describe("response caps", () => {
  it("cuts a stream that never ends at the total-time cap, without retrying", async () => {
    const started = Date.now();
    const error = await ask(await endlessModel({ totalMs: 400 }));
    expect(LlmError.isInstance(error)).toBe(true);
    expect((error as LlmError).kind).toBe("too-long");
    expect((error as LlmError).message).toMatch(/took over 0 s|LLM_MAX_RESPONSE_SECONDS/);
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(llm?.requests).toHaveLength(1);
  });

  it("cuts a stream past the size cap", async () => {
    const error = await ask(await endlessModel({ maxChars: 50_000 }));
    expect((error as LlmError).kind).toBe("too-long");
    expect((error as LlmError).message).toMatch(/passed .* characters/);
    expect(llm?.requests).toHaveLength(1);
  });
});
