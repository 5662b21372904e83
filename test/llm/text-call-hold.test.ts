// What reaches the screen while a model writes a tool call as text: prose streams at once, a call is held
// and dropped once it is recovered, and held text that was not a call is shown in the end.
import { describe, expect, it } from "vitest";
import { TextCallHold } from "../../agent/src/llm/text-call-hold.js";

function feed(pieces: string[]): { hold: TextCallHold; shown: string[] } {
  const shown: string[] = [];
  const hold = new TextCallHold((text) => shown.push(text));
  for (const piece of pieces) hold.push(piece);
  return { hold, shown };
}

describe("TextCallHold", () => {
  it("streams plain prose as it comes", () => {
    const { shown } = feed(["Hello ", "there, ", "all good."]);
    expect(shown).toEqual(["Hello ", "there, ", "all good."]);
  });

  it("holds a content that starts like a JSON call, and drops it when it was one", () => {
    const { hold, shown } = feed(['{"na', 'me": "shell", "argu', 'ments": {"command": "ls"}}']);
    expect(shown).toEqual([]);
    hold.discard();
    expect(shown).toEqual([]);
  });

  it("shows prose before a <tool_call> marker and holds the call", () => {
    const { hold, shown } = feed([
      "I will list the files.\n<tool",
      '_call>{"name": "list_files", "argu',
      'ments": {}}</tool_call>',
    ]);
    expect(shown.join("")).toBe("I will list the files.\n");
    hold.discard();
    expect(shown.join("")).toBe("I will list the files.\n");
  });

  it("shows held text after all when it was not a call", () => {
    const { hold, shown } = feed(['{"total": 3, ', '"items": ["a", "b", "c"]}']);
    expect(shown).toEqual([]);
    hold.release();
    expect(shown.join("")).toBe('{"total": 3, "items": ["a", "b", "c"]}');
  });

  it("does not hold the rest of an answer for a '<' in prose", () => {
    const { shown } = feed([
      "if a <",
      " b then swap them, ",
      "and that is the whole trick for sorting two values.",
    ]);
    expect(shown.join("")).toBe(
      "if a < b then swap them, and that is the whole trick for sorting two values.",
    );
  });
});
