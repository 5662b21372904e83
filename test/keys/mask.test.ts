// maskKey reveals a known public prefix and at most the last 4 characters, less for short keys.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { maskKey } from "../../agent/src/keys/mask.js";

describe("maskKey", () => {
  it.each([
    ["sk-abcdefghijklmnopqrstuvwxyz", "sk-…wxyz"],
    ["sk-proj-abcdefghijklmnopqrstuvwxyz", "sk-proj-…wxyz"],
    ["sk-or-v1-0123456789abcdef0123", "sk-or-…0123"],
    ["gsk_0123456789abcdefghij", "gsk_…ghij"],
    ["0123456789abcdefghij", "…ghij"],
    ["  sk-abcdefghijklmnopqrstuvwxyz\n", "sk-…wxyz"],
  ])("masks %j as %j", (key, hint) => {
    expect(maskKey(key)).toBe(hint);
  });

  it("shows only the last 2 characters of a short key and nothing of a very short one", () => {
    expect(maskKey("sk-abcdefgh12")).toBe("…12");
    expect(maskKey("abcdefgh")).toBe("…gh");
    expect(maskKey("abc1234")).toBe("…");
    expect(maskKey("")).toBe("…");
  });

  it("never reveals more than 4 characters beyond a known prefix, nor more than a quarter of a key", () => {
    fc.assert(
      fc.property(fc.string({ minLength: 0, maxLength: 80 }), (key) => {
        const hint = maskKey(key);
        const shown = hint.replace(/^(sk-proj-|sk-ant-|sk-or-|sk-|gsk_|xai-|hf_)/, "").replace("…", "");
        expect(shown.length).toBeLessThanOrEqual(4);
        expect(shown.length).toBeLessThanOrEqual(Math.floor(key.trim().length / 4));
      }),
      { numRuns: 500 },
    );
  });
});
