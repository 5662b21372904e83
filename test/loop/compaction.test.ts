// Compaction over the scripted model: older turns become a structured summary at the head of the history, the
// recent ones stay verbatim, pairs stay intact, summary requests fit the window (in slices), Ctrl-C stops them
// and a failed summary falls back to dropping, said in a notice.
import { afterEach, describe, expect, it } from "vitest";
import type { ChatMessage } from "../../agent/src/llm/messages.js";
import { splitForCompaction, summaryTokenLimit } from "../../agent/src/loop/compaction.js";
import {
  estimateTextTokens,
  estimateTokens,
  type History,
  hasValidToolPairs,
} from "../../agent/src/loop/history.js";
import { scriptedSummary, scriptLongSession } from "../support/long-session.js";
import { MemoryTools } from "../support/memory-tools.js";
import type { ChatBody } from "../support/scripted-llm.js";
import { type Harness, startHarness } from "./harness.js";

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const user = (content: string): ChatMessage => ({ role: "user", content });
const answer = (content: string): ChatMessage => ({ role: "assistant", content });
const call = (id: string, name = "read_file", path = "a.txt"): ChatMessage => ({
  role: "assistant",
  content: null,
  tool_calls: [{ id, type: "function", function: { name, arguments: JSON.stringify({ path }) } }],
});
const result = (id: string, size = 40): ChatMessage => ({
  role: "tool",
  tool_call_id: id,
  content: "r".repeat(size),
});

/** Tools whose read_file returns 2,000 characters naming the file. */
const notesTools = () =>
  new MemoryTools().add("read_file", async (args) => `${String(args.path)}: ${"lorem ipsum ".repeat(166)}`);

const SUMMARY_HEAD = /^Summary of our conversation so far/;
const isSummaryHead = (body: ChatBody) => SUMMARY_HEAD.test(body.messages[1]?.content ?? "");

describe("choosing what to compact", () => {
  it("summarises whole older turns and keeps the recent ones verbatim, starting with a user message", () => {
    const messages = [
      user("one"),
      call("1"),
      result("1", 4_000),
      answer("a"),
      user("two"),
      call("2"),
      result("2", 4_000),
      answer("b"),
      user("three"),
      answer("c"),
    ];
    const split = splitForCompaction(messages, 1_200);
    expect(split?.removed).toEqual(messages.slice(0, 4));
    expect(split?.kept).toEqual(messages.slice(4));
    expect(split?.kept[0]?.role).toBe("user");
  });

  it("inside one long turn keeps the request and the latest steps, never splitting a call from its result", () => {
    const messages = [user("task")];
    for (let i = 0; i < 8; i++) messages.push(call(`c${i}`), result(`c${i}`, 2_000));
    messages.push(answer("done"));
    const split = splitForCompaction(messages, 1_200);
    expect(split?.kept[0]).toEqual(user("task"));
    expect(split && hasValidToolPairs(split.kept)).toBe(true);
    expect(split?.kept.at(-1)).toEqual(answer("done"));
    expect(split?.removed).not.toContainEqual(user("task"));
    expect(split?.removed[0]).toEqual(call("c0"));
    // The summariser reads the request too, for context.
    expect(split?.transcript[0]).toEqual(user("task"));
  });

  it("finds nothing to compact in an empty history, a single exchange, or one that fits", () => {
    expect(splitForCompaction([], 100)).toBeUndefined();
    expect(splitForCompaction([user("hi"), answer("hello")], 1)).toBeUndefined();
    expect(splitForCompaction([user("a"), answer("b"), user("c"), answer("d")], 10_000)).toBeUndefined();
  });
});

describe("automatic compaction in a long session", () => {
  it("summarises older turns near the window instead of dropping them, and every request fits", async () => {
    h = await startHarness(notesTools(), { window: 8_192 });
    const script = scriptLongSession(h.llm);
    for (let turn = 0; turn < 20; turn++) {
      const outcome = await h.run(`read notes-${turn}.txt`);
      expect(outcome.reason).toBe("done");
    }
    expect(script.summaryRequests.length).toBeGreaterThanOrEqual(1);
    // Nothing was dropped: without compaction the budget would have forced old turns out.
    expect(h.history.dropped).toBe(0);
    expect(h.history.summary?.text).toContain("## Goal");
    const last = script.turnRequests.at(-1)?.body as ChatBody;
    expect(isSummaryHead(last)).toBe(true);
    expect(last.messages[1]?.content).toMatch(/## Files touched\nRead: notes-0\.txt, notes-1\.txt/);
    expect(last.messages[2]).toMatchObject({ role: "assistant" });
    expect(last.messages[3]).toMatchObject({ role: "user" }); // the verbatim turns start with a request
    expect(last.messages.some((m) => m.content === "read notes-19.txt")).toBe(true);
    expect(last.messages.some((m) => m.content === "read notes-0.txt")).toBe(false);
    for (const request of script.turnRequests) {
      expect(hasValidToolPairs(request.body.messages.slice(1) as ChatMessage[])).toBe(true);
      expect(estimateTextTokens(request.raw)).toBeLessThanOrEqual(8_192 - 2_048);
    }
    const starts = h.events.filter((e) => e.type === "compaction_start");
    const ends = h.events.filter((e) => e.type === "compaction_end");
    expect(starts.length).toBe(script.summaryRequests.length);
    expect(ends.every((e) => e.type === "compaction_end" && e.outcome === "summarised")).toBe(true);
    expect(ends[0]).toMatchObject({ tokensAfter: expect.any(Number) });
    const end = ends[0];
    if (end?.type === "compaction_end") expect(end.tokensAfter).toBeLessThan(end.tokensBefore);
  });

  it("sends the summary request without tools, with the structured instructions", async () => {
    h = await startHarness(notesTools(), { window: 8_192 });
    const script = scriptLongSession(h.llm);
    for (let turn = 0; turn < 12; turn++) await h.run(`read notes-${turn}.txt`);
    const request = script.summaryRequests[0]?.body;
    expect(request?.tools ?? []).toEqual([]);
    expect(request?.messages[0]?.content).toMatch(/## Goal[\s\S]*## Decisions[\s\S]*## Open problems/);
    expect(request?.messages[1]?.content).toMatch(/<conversation>[\s\S]*\[user\]\nread notes-0\.txt/);
  });

  it("carries the earlier summary into the next compaction", async () => {
    h = await startHarness(notesTools(), { window: 8_192 });
    const script = scriptLongSession(h.llm);
    for (let turn = 0; turn < 40 && script.summaryRequests.length < 2; turn++)
      await h.run(`read notes-${turn}.txt`);
    expect(script.summaryRequests.length).toBe(2);
    expect(script.summaryRequests[1]?.body.messages[1]?.content).toContain(
      `<summary-so-far>\n${scriptedSummary(0)}`,
    );
    expect(h.history.summary?.compactions).toBe(2);
  });

  it("compacts inside one long turn, keeping the user's request", async () => {
    h = await startHarness(notesTools(), { window: 8_192 });
    const script = scriptLongSession(h.llm, { replies: 0 });
    for (let i = 0; i < 14; i++)
      h.llm.enqueue((request) => {
        if (!request.body.tools?.length) {
          script.summaryRequests.push(request);
          return { text: scriptedSummary(0) };
        }
        return { toolCalls: [{ name: "read_file", arguments: { path: `part-${i}.txt` } }] };
      });
    h.llm.enqueue({ text: "all parts read" });
    const outcome = await h.run("read all the parts");
    expect(outcome.reason).toBe("done");
    expect(script.summaryRequests.length).toBeGreaterThanOrEqual(1);
    const last = h.llm.requests.at(-1)?.body as ChatBody;
    expect(isSummaryHead(last)).toBe(true);
    expect(last.messages[3]).toMatchObject({ role: "user", content: "read all the parts" });
    expect(hasValidToolPairs(last.messages.slice(1) as ChatMessage[])).toBe(true);
    expect(h.history.dropped).toBe(0);
  });

  it("compacts before HISTORY_BUDGET_TOKENS, a cap below the window, would drop turns", async () => {
    h = await startHarness(notesTools(), { window: 32_768, budgetTokens: 3_000 });
    const script = scriptLongSession(h.llm);
    for (let turn = 0; turn < 12; turn++) await h.run(`read notes-${turn}.txt`);
    expect(script.summaryRequests.length).toBeGreaterThanOrEqual(1);
    expect(h.history.dropped).toBe(0);
    for (const request of script.turnRequests.slice(1)) {
      const history = request.body.messages.slice(1) as ChatMessage[];
      expect(history.reduce((sum, m) => sum + estimateTokens(m), 0)).toBeLessThanOrEqual(3_000);
    }
  });

  it("never compacts with COMPACT_AT_PERCENT=0: old turns are dropped as before", async () => {
    h = await startHarness(notesTools(), { window: 8_192, compactAtPercent: 0 });
    const script = scriptLongSession(h.llm);
    for (let turn = 0; turn < 20; turn++) await h.run(`read notes-${turn}.txt`);
    expect(script.summaryRequests).toHaveLength(0);
    expect(h.history.dropped).toBeGreaterThan(0);
  });
});

describe("summary requests that do not fit, fail or are interrupted", () => {
  /** A history far larger than the window, filled directly (a resumed session on a smaller model). */
  function fillHistory(history: History, turns: number): void {
    for (let i = 0; i < turns; i++) {
      history.append(user(`read big-${i}.txt`), call(`b${i}`, "read_file", `big-${i}.txt`));
      history.append(result(`b${i}`, 1_900), answer(`big-${i} read ${"detail ".repeat(200)}`));
    }
  }

  it("summarises in slices that each fit the window, each carrying the summary so far", async () => {
    h = await startHarness(notesTools(), { window: 4_096 });
    const script = scriptLongSession(h.llm);
    fillHistory(h.history, 24); // ~24 × 900 tokens: several times the window
    const outcome = await h.loop.compact({ signal: new AbortController().signal });
    expect(outcome.outcome).toBe("summarised");
    expect(script.summaryRequests.length).toBeGreaterThan(1);
    for (const request of script.summaryRequests)
      expect(estimateTextTokens(request.raw)).toBeLessThanOrEqual(4_096 - summaryTokenLimit(4_096));
    expect(script.summaryRequests[1]?.body.messages[1]?.content).toMatch(/^<summary-so-far>/);
    expect(script.summaryRequests[0]?.body.messages[1]?.content).toMatch(/part="1 of \d+"/);
    expect(h.history.summary?.files.read).toContain("big-0.txt");
  });

  it("passes the focus of /compact to the summariser", async () => {
    h = await startHarness(notesTools(), { window: 8_192 });
    const script = scriptLongSession(h.llm);
    fillHistory(h.history, 4);
    await h.loop.compact({ focus: "the parser bug", signal: new AbortController().signal });
    expect(script.summaryRequests[0]?.body.messages[1]?.content).toContain(
      "The user asks you to focus on: the parser bug",
    );
  });

  it("says there is nothing to compact in an empty conversation, and sends nothing", async () => {
    h = await startHarness(notesTools(), { window: 8_192 });
    const outcome = await h.loop.compact({ signal: new AbortController().signal });
    expect(outcome).toEqual({ outcome: "nothing", reason: "the conversation is empty" });
    expect(h.llm.requests).toHaveLength(0);
  });

  it("drops the older turns when the summary request fails, and says so", async () => {
    h = await startHarness(notesTools(), { window: 8_192 });
    fillHistory(h.history, 8);
    h.llm.enqueue({ kind: "error", status: 500, message: "summariser down" });
    const before = h.history.messages.length;
    const events: string[] = [];
    const outcome = await h.loop.compact({
      signal: new AbortController().signal,
      emit: (event) => {
        if (event.type === "notice") events.push(event.text);
      },
    });
    expect(outcome.outcome).toBe("dropped");
    expect(events[0]).toMatch(/Compaction failed \(.*500.*\): the \d+ oldest messages were dropped/);
    expect(h.history.messages.length).toBeLessThan(before);
    expect(h.history.summary).toBeUndefined();
    expect(h.history.dropped).toBeGreaterThan(0);
    expect(hasValidToolPairs(h.history.messages)).toBe(true);
    expect(h.history.messages[0]?.role).toBe("user");
  });

  it("falls back to dropping when the model returns an empty summary", async () => {
    h = await startHarness(notesTools(), { window: 8_192 });
    fillHistory(h.history, 8);
    h.llm.enqueue({ text: "" });
    const outcome = await h.loop.compact({ signal: new AbortController().signal });
    expect(outcome.outcome).toBe("dropped");
  });

  it("stops on Ctrl-C during the summary request and leaves the conversation unchanged", async () => {
    h = await startHarness(notesTools(), { window: 8_192 });
    fillHistory(h.history, 8);
    const messages = [...h.history.messages];
    h.llm.enqueue({ kind: "hang" });
    const controller = new AbortController();
    const pending = h.loop.compact({ signal: controller.signal });
    await expect.poll(() => h?.llm.requests.length).toBe(1);
    controller.abort();
    const outcome = await pending;
    expect(outcome.outcome).toBe("aborted");
    expect(h.history.messages).toEqual(messages);
    expect(h.history.summary).toBeUndefined();
  });

  it("ends the turn as interrupted when Ctrl-C stops an automatic compaction", async () => {
    h = await startHarness(notesTools(), { window: 8_192 });
    fillHistory(h.history, 8);
    h.llm.enqueue({ kind: "hang" });
    const controller = new AbortController();
    const pending = h.run("and now?", controller.signal);
    await expect.poll(() => h?.llm.requests.length).toBe(1);
    expect(h.llm.requests[0]?.body.tools ?? []).toEqual([]); // the summary request, not the turn's
    controller.abort();
    expect((await pending).reason).toBe("aborted");
    expect(h.events.find((e) => e.type === "compaction_end")).toMatchObject({ outcome: "aborted" });
    expect(h.history.summary).toBeUndefined();
  });
});
