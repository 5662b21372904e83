// SecretSet.scrubDeep copies any value with its secrets redacted and never touches the original.
// Errors keep their prototype, message, stack, headers and cause chain, so loggers still treat them as errors.
import { describe, expect, it } from "vitest";
import { REDACTED, SecretSet } from "../../agent/src/keys/secrets.js";

const SECRET = "sk-live-0123456789abcdefghij";
const set = new SecretSet([SECRET]);

class ProviderError extends Error {
  override readonly name = "ProviderError";
  constructor(
    message: string,
    readonly config: { headers: Record<string, string> },
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

describe("SecretSet.scrubDeep", () => {
  it("redacts strings and keys at any depth in objects, arrays, maps and sets without mutating them", () => {
    const input = {
      plain: `token ${SECRET}`,
      list: [1, SECRET, { deeper: [`x${SECRET}x`] }],
      [SECRET]: "as a key",
      map: new Map([["k", SECRET]]),
      set: new Set([SECRET]),
      count: 3,
      flag: true,
      nothing: null,
    };
    const snapshot = JSON.stringify({ ...input, map: [...input.map], set: [...input.set] });
    const out = set.scrubDeep(input) as typeof input;

    expect(out.plain).toBe(`token ${REDACTED}`);
    expect(out.list).toEqual([1, REDACTED, { deeper: [`x${REDACTED}x`] }]);
    expect(Object.keys(out)).toContain(REDACTED);
    expect(out.map.get("k")).toBe(REDACTED);
    expect([...out.set]).toEqual([REDACTED]);
    expect(out.count).toBe(3);
    expect(out.nothing).toBeNull();
    expect(JSON.stringify({ ...input, map: [...input.map], set: [...input.set] })).toBe(snapshot);
  });

  it("copies an error with its prototype, message, stack, request headers and cause chain redacted", () => {
    const root = new Error(`socket closed while sending ${SECRET}`);
    const error = new ProviderError(
      `401 for key ${SECRET}`,
      { headers: { authorization: `Bearer ${SECRET}`, accept: "application/json" } },
      { cause: root },
    );
    const out = set.scrubDeep(error) as ProviderError;

    expect(out).toBeInstanceOf(ProviderError);
    expect(out).not.toBe(error);
    expect(out.name).toBe("ProviderError");
    expect(out.message).toBe(`401 for key ${REDACTED}`);
    expect(out.stack).not.toContain(SECRET);
    expect(out.config.headers.authorization).toBe(`Bearer ${REDACTED}`);
    expect(out.config.headers.accept).toBe("application/json");
    expect((out.cause as Error).message).toBe(`socket closed while sending ${REDACTED}`);
    expect(Object.keys(out)).not.toContain("message");
    // The original is untouched.
    expect(error.message).toContain(SECRET);
    expect(error.config.headers.authorization).toContain(SECRET);
  });

  it("turns Fetch Headers into a plain redacted object and URLs into redacted strings", () => {
    const headers = new Headers({ Authorization: `Bearer ${SECRET}`, "X-Trace": "abc" });
    const url = new URL(`https://api.example.test/v1?key=${encodeURIComponent(SECRET)}`);
    const out = set.scrubDeep({ headers, url }) as { headers: Record<string, string>; url: string };
    expect(out.headers).toEqual({ authorization: `Bearer ${REDACTED}`, "x-trace": "abc" });
    expect(out.url).toBe(`https://api.example.test/v1?key=${REDACTED}`);
  });

  it("keeps cycles, dates and buffers, and survives throwing getters and absurd nesting", () => {
    const cyclic: Record<string, unknown> = { secret: SECRET };
    cyclic.self = cyclic;
    const date = new Date(0);
    const bytes = Buffer.from("abc");
    const hostile = Object.defineProperty({}, "boom", {
      enumerable: true,
      get() {
        throw new Error("no");
      },
    });
    let deep: unknown = SECRET;
    for (let i = 0; i < 100; i++) deep = { deep };

    const out = set.scrubDeep({ cyclic, date, bytes, hostile, deep }) as Record<
      string,
      Record<string, unknown>
    >;
    expect(out.cyclic?.secret).toBe(REDACTED);
    expect(out.cyclic?.self).toBe(out.cyclic);
    expect(out.date).toBe(date);
    expect(out.bytes).toBe(bytes);
    expect(out.hostile?.boom).toBe("[unreadable]");
    expect(JSON.stringify(out.deep)).not.toContain(SECRET);
  });

  it("returns primitives as they are and the very same value when it knows no secrets", () => {
    expect(set.scrubDeep(42)).toBe(42);
    expect(set.scrubDeep(undefined)).toBeUndefined();
    expect(set.scrubDeep(SECRET)).toBe(REDACTED);
    const value = { a: 1 };
    expect(new SecretSet().scrubDeep(value)).toBe(value);
  });
});
