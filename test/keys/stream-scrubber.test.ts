// A key split across streamed pieces is still replaced: the stream scrubber holds back only what could be the
// start of a secret, and what it shows, joined, equals scrubbing the whole text at once.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { encodedForms } from "../../agent/src/keys/encoded-forms.js";
import { SecretSet } from "../../agent/src/keys/secrets.js";
import { StreamScrubber } from "../../agent/src/keys/stream-scrubber.js";

const key = "sk-live-SPLITCANARY-0123456789";

function streamThrough(secrets: SecretSet, pieces: string[]): { shown: string[]; joined: string } {
  const scrubber = new StreamScrubber(secrets);
  const shown = pieces.map((piece) => scrubber.push(piece));
  shown.push(scrubber.flush());
  return { shown, joined: shown.join("") };
}

describe("StreamScrubber", () => {
  it("replaces a key cut in two pieces, which per-piece scrubbing lets through", () => {
    const secrets = new SecretSet([key]);
    // No piece holds 16 characters of the key, so even the fragment rule cannot see it piece by piece.
    const pieces = ["Your key is sk-live-SPLI", "TCANARY-012345", "6789, keep it safe."];
    expect(pieces.map((p) => secrets.scrub(p)).join("")).toContain(key); // the old, per-chunk behaviour
    const { joined } = streamThrough(secrets, pieces);
    expect(joined).toBe("Your key is [redacted], keep it safe.");
  });

  it("holds back only a possible key start, and releases it when the next piece shows it is not one", () => {
    const secrets = new SecretSet([key]);
    const scrubber = new StreamScrubber(secrets);
    expect(scrubber.push("plain text then sk-li")).toBe("plain text then ");
    expect(scrubber.push("ve and more!")).toBe("sk-live and more!");
    expect(scrubber.push("no secret here.")).toBe("no secret here.");
    expect(scrubber.flush()).toBe("");
  });

  it("passes text through at once when no secret is known", () => {
    const scrubber = new StreamScrubber(new SecretSet());
    expect(scrubber.push("sk-li")).toBe("sk-li");
  });

  it("for any split of any text around a key (in any encoded form), shows no form and equals a whole scrub", () => {
    const secrets = new SecretSet([key]);
    const forms = encodedForms(key);
    fc.assert(
      fc.property(
        fc.string({ maxLength: 30 }),
        fc.constantFrom(...forms),
        fc.string({ maxLength: 30 }),
        fc.array(fc.nat({ max: 200 }), { maxLength: 12 }),
        (before, form, after, cuts) => {
          const text = `${before}${form}${after}`;
          const points = [...new Set(cuts.map((c) => c % (text.length + 1)))].sort((a, b) => a - b);
          const pieces = [0, ...points].map((from, i) => text.slice(from, points[i] ?? text.length));
          const { shown, joined } = streamThrough(secrets, pieces);
          expect(joined).toBe(secrets.scrub(text));
          for (const piece of shown) for (const f of forms) expect(piece).not.toContain(f);
        },
      ),
      { numRuns: 300 },
    );
  });
});
