// Inline <think> reasoning is split from the answer as it streams, also with tags cut across pieces and with
// only a closing tag (a chat template that opens <think> itself).
import { describe, expect, it } from "vitest";
import { splitThinkTags, ThinkTagSplitter } from "../../agent/src/llm/think-tags.js";

function stream(pieces: string[]) {
  const splitter = new ThinkTagSplitter();
  let answer = "";
  let reasoning = "";
  for (const piece of [...pieces.map((p) => splitter.push(p)), splitter.flush()]) {
    answer += piece.answer;
    reasoning += piece.reasoning;
  }
  return { answer, reasoning };
}

describe("think tags", () => {
  it("splits a think block cut across pieces from the answer, dropping the blank lines after it", () => {
    expect(stream(["<", "think>\nThe user greets", " me.\n</th", "ink>\n\nHello!"])).toEqual({
      reasoning: "\nThe user greets me.\n",
      answer: "Hello!",
    });
  });

  it("leaves an answer without tags alone, including a '<' that starts no tag", () => {
    expect(stream(["if a <", " b then swap"])).toEqual({ reasoning: "", answer: "if a < b then swap" });
  });

  it("reads a content with only a closing tag as reasoning, then the answer", () => {
    expect(splitThinkTags("Okay, let me think.\n</think>\n\nThe answer is 4.")).toEqual({
      reasoning: "Okay, let me think.",
      answer: "The answer is 4.",
    });
  });
});
