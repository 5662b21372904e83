// A wrong master key and every kind of damaged file give a clear KeystoreError and leave the file untouched.
// Tampering that recomputes the checksum still fails: the header is bound as AEAD additional data.
import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import fc from "fast-check";
import sodium from "libsodium-wrappers-sumo";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { Keystore } from "../../agent/src/keys/keystore.js";
import { KeystoreError, type KeystoreErrorCode } from "../../agent/src/keys/keystore-error.js";
import { CHEAP, caught, TempDirs } from "./support/temp-store.js";

const temp = new TempDirs();
afterEach(() => temp.cleanup());
beforeAll(async () => {
  await sodium.ready;
});

const KEY = "sk-or-v1-0123456789abcdef0123456789abcdef";

/** A written store with one key; returns its path and exact bytes. */
async function writtenStore(): Promise<{ file: string; bytes: Buffer }> {
  const file = path.join(await temp.make(), "keys.enc");
  await (await Keystore.open(file, "master", CHEAP)).set("openrouter", KEY);
  return { file, bytes: await readFile(file) };
}

/** Opens `file` expecting a KeystoreError with `code`, and checks the file was not changed. */
async function expectRefusal(
  file: string,
  code: KeystoreErrorCode,
  masterKey = "master",
): Promise<KeystoreError> {
  const before = await readFile(file);
  const error = await caught(() => Keystore.open(file, masterKey, CHEAP));
  expect(KeystoreError.isInstance(error)).toBe(true);
  const failure = error as KeystoreError;
  expect(failure.code).toBe(code);
  expect(failure.path).toBe(file);
  expect(failure.message).toContain(file);
  expect(failure.message).toContain("Nothing was changed");
  expect(failure.message).not.toContain(KEY);
  expect(await readFile(file)).toEqual(before);
  return failure;
}

/** Replaces one base64 character in the middle of `field` (top level or `kdf.<name>`) with another. */
function flipBase64(json: Record<string, unknown>, get: (j: Record<string, unknown>) => string): string {
  const value = get(json);
  const i = Math.floor(value.length / 2);
  const replacement = value[i] === "A" ? "B" : "A";
  return value.slice(0, i) + replacement + value.slice(i + 1);
}

/** The header exactly as the format binds it (ADR 005), for tests that forge a matching checksum. */
function forgeChecksum(json: Record<string, unknown>): string {
  const kdf = json.kdf as Record<string, unknown>;
  const header = JSON.stringify({
    format: json.format,
    version: json.version,
    kdf: { name: kdf.name, opsLimit: kdf.opsLimit, memLimit: kdf.memLimit, salt: kdf.salt },
    cipher: json.cipher,
    nonce: json.nonce,
  });
  const state = sodium.crypto_generichash_init(null, 16);
  sodium.crypto_generichash_update(state, new TextEncoder().encode(header));
  sodium.crypto_generichash_update(state, Buffer.from(json.ciphertext as string, "base64"));
  return Buffer.from(sodium.crypto_generichash_final(state, 16)).toString("base64");
}

describe("Keystore with a wrong key or a damaged file", () => {
  it("refuses a wrong master key with wrong-key and says to check LLM_MASTER_KEY or restore the backup", async () => {
    const { file } = await writtenStore();
    const error = await expectRefusal(file, "wrong-key", "not the master");
    expect(error.message).toContain("LLM_MASTER_KEY");
    expect(error.message).toContain(`${file}.bak`);
  });

  it.each([
    ["ciphertext", (j: Record<string, unknown>) => j.ciphertext as string, "ciphertext"],
    ["nonce", (j: Record<string, unknown>) => j.nonce as string, "nonce"],
    [
      "salt in the header",
      (j: Record<string, unknown>) => (j.kdf as Record<string, string>).salt as string,
      "salt",
    ],
  ])("reports a flipped byte in the %s as corrupt", async (_label, get, field) => {
    const { file } = await writtenStore();
    const json = JSON.parse(await readFile(file, "utf8"));
    const flipped = flipBase64(json, get);
    if (field === "salt") json.kdf.salt = flipped;
    else json[field] = flipped;
    await writeFile(file, JSON.stringify(json));
    await expectRefusal(file, "corrupt");
  });

  it("reports an edited header field (memLimit) as corrupt", async () => {
    const { file } = await writtenStore();
    const json = JSON.parse(await readFile(file, "utf8"));
    json.kdf.memLimit = 16384;
    await writeFile(file, JSON.stringify(json));
    await expectRefusal(file, "corrupt");
  });

  it("still refuses a tampered ciphertext or nonce whose checksum was forged to match", async () => {
    for (const field of ["ciphertext", "nonce"] as const) {
      const { file } = await writtenStore();
      const json = JSON.parse(await readFile(file, "utf8"));
      json[field] = flipBase64(json, (j) => j[field] as string);
      json.checksum = forgeChecksum(json);
      await writeFile(file, JSON.stringify(json));
      await expectRefusal(file, "wrong-key");
    }
  });

  it("reports an unknown format version as unsupported-version and leaves the file byte-for-byte", async () => {
    const { file } = await writtenStore();
    const json = JSON.parse(await readFile(file, "utf8"));
    json.version = 99;
    await writeFile(file, JSON.stringify(json));
    const error = await expectRefusal(file, "unsupported-version");
    expect(error.message).toContain("version 99");
  });

  it.each([
    ["an empty file", ""],
    ["not JSON", "keys!"],
    ["a JSON string", '"hello"'],
    ["a JSON number", "42"],
    ["JSON null", "null"],
    ["a JSON array", "[1,2]"],
    ["another program's JSON", '{"format":"something-else","version":1}'],
    ["a header without ciphertext", '{"format":"ts-coding-agent/keystore","version":1}'],
  ])("reports %s as corrupt", async (_label, content) => {
    const file = path.join(await temp.make(), "keys.enc");
    await writeFile(file, content, { mode: 0o600 });
    await expectRefusal(file, "corrupt");
  });

  it("reports non-canonical base64 (bits that decoders ignore) as corrupt", async () => {
    const { file } = await writtenStore();
    const json = JSON.parse(await readFile(file, "utf8"));
    // A 16-byte salt ends in "==": the last data character carries 4 unused bits; set one of them.
    const salt: string = json.kdf.salt;
    const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    const last = alphabet.indexOf(salt.at(-3) as string);
    json.kdf.salt = `${salt.slice(0, -3)}${alphabet[last ^ 1]}==`;
    await writeFile(file, JSON.stringify(json));
    await expectRefusal(file, "corrupt");
  });

  it("reports a file truncated at any point as corrupt (or opens it intact if only whitespace went)", async () => {
    const { file, bytes } = await writtenStore();
    for (let length = 0; length < bytes.length - 1; length += 7) {
      await writeFile(file, bytes.subarray(0, length));
      const error = await caught(() => Keystore.open(file, "master", CHEAP));
      expect(KeystoreError.isInstance(error) && error.code).toBe("corrupt");
    }
    await writeFile(file, bytes.subarray(0, bytes.length - 1));
    expect((await Keystore.open(file, "master", CHEAP)).get("openrouter")).toBe(KEY);
  });

  it("never opens a file with any single byte changed to different contents", async () => {
    const { file, bytes } = await writtenStore();
    await fc.assert(
      fc.asyncProperty(
        fc.nat({ max: bytes.length - 1 }),
        fc.integer({ min: 1, max: 255 }),
        async (position, mask) => {
          const damaged = Buffer.from(bytes);
          damaged[position] = (damaged[position] as number) ^ mask;
          await writeFile(file, damaged);
          try {
            const store = await Keystore.open(file, "master", CHEAP);
            // Only a change JSON ignores (whitespace to whitespace) may open, and then with the same key.
            expect(store.get("openrouter")).toBe(KEY);
          } catch (error) {
            expect(KeystoreError.isInstance(error)).toBe(true);
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
