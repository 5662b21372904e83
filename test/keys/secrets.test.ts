// SecretSet.scrub finds a secret in every encoded form it takes on its way out, and nothing else.
// collectEnvSecrets picks the values of secret-looking environment variables.
import { execSync } from "node:child_process";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { collectEnvSecrets, REDACTED, SecretSet } from "../../agent/src/keys/secrets.js";

const SECRET = "sk-proj-Zx9/Qw+8Lm~7Np_6Rt.5Vb-4";

/** Every 12-character piece of a key: none may be readable after scrubbing. */
function pieces(key: string): string[] {
  return Array.from({ length: key.length - 11 }, (_, i) => key.slice(i, i + 12));
}

describe("SecretSet", () => {
  it("ignores short values, non-strings and duplicates", () => {
    const set = new SecretSet(["short", "", "  1234567  "]);
    set.add(42 as unknown as string);
    expect(set.size).toBe(0);
    expect(set.scrub("short 1234567")).toBe("short 1234567");
    set.add(SECRET);
    set.add(` ${SECRET} `);
    expect(set.size).toBe(1);
  });

  it("returns text unchanged when it holds no secret", () => {
    const set = new SecretSet([SECRET]);
    const text = "nothing to see here: sk-proj-other, base64 aGVsbG8=, %2F";
    expect(set.scrub(text)).toBe(text);
  });

  it("replaces every occurrence of every secret, the longer of two overlapping ones whole", () => {
    const set = new SecretSet(["abcdefgh12", "abcdefgh1234567890"]);
    expect(set.scrub("a=abcdefgh1234567890 b=abcdefgh12 c=abcdefgh12")).toBe(
      `a=${REDACTED} b=${REDACTED} c=${REDACTED}`,
    );
  });

  it.each([
    ["raw", (s: string) => `Bearer ${s}`],
    ["JSON", (s: string) => JSON.stringify({ key: s })],
    ["encodeURIComponent", (s: string) => `https://x.test/?key=${encodeURIComponent(s)}&a=1`],
    [
      "lower-case percent escapes",
      (s: string) => encodeURIComponent(s).replace(/%[0-9A-F]{2}/g, (m) => m.toLowerCase()),
    ],
    ["form encoding", (s: string) => new URLSearchParams({ key: s, other: "x" }).toString()],
    ["hex", (s: string) => Buffer.from(s).toString("hex")],
    ["upper-case hex", (s: string) => Buffer.from(s).toString("hex").toUpperCase()],
    ["base64", (s: string) => Buffer.from(s).toString("base64")],
    ["URL-safe base64", (s: string) => Buffer.from(s).toString("base64url")],
    ["Basic auth", (s: string) => `Authorization: Basic ${Buffer.from(`user:${s}`).toString("base64")}`],
  ])("redacts the %s form", (_label, encode) => {
    const set = new SecretSet([SECRET]);
    const text = encode(SECRET);
    const scrubbed = set.scrub(text);
    expect(scrubbed).toContain(REDACTED);
    expect(scrubbed).not.toContain(SECRET);
  });

  it.each([
    ["base64 wrapped at 60", "base64 -w 60"],
    ["base64 wrapped at 76 with CRLF", "base64 -w 76 | sed 's/$/\\r/'"],
    ["base32", "base32"],
    ["lower-case base32 wrapped at 50", "base32 -w 50 | tr A-Z a-z"],
    ["an xxd dump", "xxd"],
    ["a hexdump -C dump", "hexdump -C"],
    ["od's hex bytes", "od -An -tx1"],
    ["full URL-encoding", "xxd -p | tr -d '\\n' | sed 's/../%&/g'"],
    ["upper-case full URL-encoding", "xxd -p | tr -d '\\n' | tr a-f A-F | sed 's/../%&/g'"],
    ["a C array", "xxd -i"],
    ["colon-separated hex", "xxd -p | sed 's/../&:/g'"],
    ["\\x escapes", "xxd -p | sed 's/../\\\\x&/g'"],
    ["text folded at 10", "fold -w 10"],
  ])("redacts %s of a line holding the secret, and its JSON-escaped copy", (_label, command) => {
    const set = new SecretSet([SECRET]);
    const output = execSync(command, { input: `OPENAI_API_KEY=${SECRET}\n` }).toString();
    for (const text of [output, JSON.stringify(output)]) {
      const scrubbed = set.scrub(text);
      expect(scrubbed).toContain(REDACTED);
      const decoded = [
        scrubbed.replace(/\s|\\n|\\r/g, ""),
        Buffer.from((scrubbed.match(/[0-9a-f]{2}/gi) ?? []).join(""), "hex").toString("latin1"),
      ];
      for (const view of decoded) for (const piece of pieces(SECRET)) expect(view).not.toContain(piece);
    }
  });

  it("redacts 16 or more characters of a secret anywhere, also in the bytes of a cut-off hex dump", () => {
    const set = new SecretSet([SECRET]);
    expect(set.scrub(`tail: ${SECRET.slice(5)}`)).toBe(`tail: ${REDACTED}`);
    expect(set.scrub(`x${SECRET.slice(3, 19)}y`)).toBe(`x${REDACTED}y`);
    expect(set.scrub(SECRET.slice(0, 15))).toBe(SECRET.slice(0, 15));
    const dump = execSync("xxd", { input: `key=${SECRET}` }).toString();
    const cut = `${dump.slice(0, Math.floor(dump.length * 0.6))}...`;
    const hex = (set.scrub(cut).match(/[0-9a-f]{4} /g) ?? []).join("").replace(/ /g, "");
    expect(Buffer.from(hex, "hex").toString("latin1")).not.toContain(SECRET.slice(10, 22));
  });

  // A backtracking matcher (the first attempt) never finished on this input; a linear one takes well under a
  // second. The test timeout is the bound: no timing assertion of our own, which would be flaky under load.
  it("scrubs a 1 MB hex dump cut off in the middle of a secret without backtracking", {
    timeout: 20_000,
  }, () => {
    const set = new SecretSet([SECRET, "gsk_other-secret-0123456789"]);
    const dump = execSync("xxd", { input: `${"z".repeat(500_000)}${SECRET}`, maxBuffer: 1 << 24 }).toString();
    const cut = dump.slice(0, dump.length - 60);
    const scrubbed = set.scrub(cut);
    expect(scrubbed.length).toBeGreaterThan(cut.length / 2);
    expect(scrubbed.slice(0, 1000)).toBe(cut.slice(0, 1000)); // the innocent start is untouched
  });

  it("redacts JSON-escaped secrets that contain quotes and backslashes", () => {
    const tricky = 'pa"ss\\word-0123456789';
    const set = new SecretSet([tricky]);
    const json = JSON.stringify({ password: tricky, nested: [tricky] });
    const scrubbed = set.scrub(json);
    expect(JSON.parse(scrubbed)).toEqual({ password: REDACTED, nested: [REDACTED] });
  });

  it("leaves nothing of the secret decodable inside a longer base64 payload, at any byte offset", () => {
    fc.assert(
      fc.property(
        fc.string({ maxLength: 12 }),
        fc.string({ maxLength: 12 }),
        fc.constantFrom("base64", "base64url") as fc.Arbitrary<"base64" | "base64url">,
        (before, after, encoding) => {
          const set = new SecretSet([SECRET]);
          const scrubbed = set.scrub(Buffer.from(`${before}${SECRET}${after}`).toString(encoding));
          expect(scrubbed).toContain(REDACTED);
          // Decode what is left at every alignment: the secret's inner bytes must not reappear.
          const inner = SECRET.slice(1, -1);
          for (const run of scrubbed.split(REDACTED)) {
            for (let shift = 0; shift < 4; shift++) {
              expect(Buffer.from(run.slice(shift), encoding).toString("latin1")).not.toContain(inner);
            }
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it("removes a secret from any surrounding text", () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), (before, after) => {
        const set = new SecretSet([SECRET]);
        expect(set.scrub(before + SECRET + after)).not.toContain(SECRET);
      }),
      { numRuns: 300 },
    );
  });

  it("rebuilds its matcher when a secret is added later", () => {
    const set = new SecretSet(["first-secret-value"]);
    expect(set.scrub("second-secret-value")).toBe("second-secret-value");
    set.add("second-secret-value");
    expect(set.scrub("first-secret-value second-secret-value")).toBe(`${REDACTED} ${REDACTED}`);
  });

  it("scrubs a 1 MB text with many occurrences of 20 secrets exactly", () => {
    const secrets = Array.from(
      { length: 20 },
      (_, i) => `sk-${i.toString().padStart(2, "0")}-abcdefghijklmnop`,
    );
    const set = new SecretSet(secrets);
    const chunk = `lorem ipsum ${secrets[7]} dolor ${Buffer.from(`u:${secrets[3]}`).toString("base64")} sit amet `;
    const text = chunk.repeat(Math.ceil(1_000_000 / chunk.length));
    const scrubbed = set.scrub(text);
    const count = (scrubbed.match(/\[redacted\]/g) ?? []).length;
    expect(count).toBe(2 * Math.ceil(1_000_000 / chunk.length));
    expect(scrubbed).not.toContain("abcdefghijklmnop");
  });
});

describe("collectEnvSecrets", () => {
  it("collects values of secret-looking variables at least 8 characters long", () => {
    const env = {
      OPENAI_API_KEY: "sk-openai-0123456789",
      LLM_MASTER_KEY: "master-key-value",
      GITHUB_TOKEN: "ghp_0123456789",
      DB_PASSWORD: "hunter2hunter2",
      CLIENT_SECRET: "client-secret-1",
      API_KEY: "bare-api-key-1",
      SHORT_TOKEN: "abc",
      KEYSTORE_PATH: "/data/keys.enc",
      PATH: "/usr/bin:/bin",
      OLLAMA_MODEL: "llama3.2:latest",
      MONKEY: "not-a-secret-value",
      EMPTY_KEY: undefined,
    };
    expect(collectEnvSecrets(env).sort()).toEqual(
      [
        "sk-openai-0123456789",
        "master-key-value",
        "ghp_0123456789",
        "hunter2hunter2",
        "client-secret-1",
        "bare-api-key-1",
      ].sort(),
    );
  });
});
