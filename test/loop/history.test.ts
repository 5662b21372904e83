// History: pruning to a token budget drops whole old turns first and never separates a call from its result;
// repair fills results a crash left missing and drops strays.
import { describe, expect, it } from "vitest";
import type { ChatMessage } from "../../agent/src/llm/messages.js";
import { estimateTokens, History, hasValidToolPairs, repairToolPairs } from "../../agent/src/loop/history.js";

const user = (content: string): ChatMessage => ({ role: "user", content });
const answer = (content: string): ChatMessage => ({ role: "assistant", content });
const calls = (...ids: string[]): ChatMessage => ({
  role: "assistant",
  content: null,
  tool_calls: ids.map((id) => ({ id, type: "function", function: { name: "read_file", arguments: "{}" } })),
});
const result = (id: string, size = 10): ChatMessage => ({
  role: "tool",
  tool_call_id: id,
  content: "r".repeat(size),
});

describe("history budget", () => {
  it("keeps everything while under budget", () => {
    const history = new History({ budgetTokens: 10_000 });
    history.append(user("a"), answer("b"));
    expect(history.prune()).toHaveLength(2);
    expect(history.dropped).toBe(0);
  });

  it("drops the oldest whole turns first and keeps the current one", () => {
    const history = new History({ budgetTokens: 700 });
    history.append(user("old"), calls("1"), result("1", 4_000), answer("x"));
    history.append(user("recent"), calls("2"), result("2", 400), answer("y"));
    const kept = history.prune();
    expect(kept[0]).toEqual(user("recent"));
    expect(hasValidToolPairs(kept)).toBe(true);
    expect(history.dropped).toBe(4);
  });

  it("within one long turn drops old tool steps whole but keeps the user's request", () => {
    const history = new History({ budgetTokens: 900 });
    history.append(user("task"));
    for (let i = 0; i < 10; i++)
      history.append(calls(`a${i}`, `b${i}`), result(`a${i}`, 400), result(`b${i}`, 400));
    const kept = history.prune();
    expect(kept[0]).toEqual(user("task"));
    expect(hasValidToolPairs(kept)).toBe(true);
    expect(kept.reduce((sum, m) => sum + estimateTokens(m), 0)).toBeLessThanOrEqual(900);
    expect(kept.at(-1)).toEqual(result("b9", 400));
  });

  it("clear empties the history", () => {
    const history = new History({ budgetTokens: 10 });
    history.append(user("x"));
    history.clear();
    expect(history.messages).toHaveLength(0);
  });

  it("reports every appended message to its listener", () => {
    const seen: ChatMessage[] = [];
    const history = new History({ budgetTokens: 100, onAppend: (m) => seen.push(m) });
    history.append(user("a"), answer("b"));
    expect(seen).toHaveLength(2);
  });
});

describe("tool pair repair", () => {
  it("fills a missing result and drops a stray one", () => {
    const broken = [user("u"), calls("1", "2"), result("2"), result("9"), answer("a")];
    const repaired = repairToolPairs(broken);
    expect(repaired.map((m) => (m.role === "tool" ? m.tool_call_id : m.role))).toEqual([
      "user",
      "assistant",
      "1",
      "2",
      "assistant",
    ]);
    expect(hasValidToolPairs(repaired)).toBe(true);
    expect(hasValidToolPairs(broken)).toBe(false);
  });

  it("reorders results into call order", () => {
    const repaired = repairToolPairs([calls("1", "2"), result("2"), result("1")]);
    expect(repaired.map((m) => (m.role === "tool" ? m.tool_call_id : "call"))).toEqual(["call", "1", "2"]);
  });

  it("drops a result that has no call before it", () => {
    expect(repairToolPairs([result("x"), user("u")])).toEqual([user("u")]);
  });
});
