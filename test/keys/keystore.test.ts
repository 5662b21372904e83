// Keystore behaviour against real files: round trip, listing, input validation, permissions, directories.
// Damaged files and wrong keys are in keystore-damage.test.ts; rotation in keystore-rotation.test.ts.
import { chmod, mkdir, readFile, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { Keystore } from "../../agent/src/keys/keystore.js";
import { KeystoreError } from "../../agent/src/keys/keystore-error.js";
import { CHEAP, caught, TempDirs } from "./support/temp-store.js";

const temp = new TempDirs();
afterEach(() => temp.cleanup());

const OPENAI = "sk-proj-AbCdEfGhIjKlMnOpQrStUvWx1234";
const GROQ = "gsk_0123456789abcdefghijklmnopqrstuv";

async function storePath(): Promise<string> {
  return path.join(await temp.make(), "data", "keys.enc");
}

describe("Keystore", () => {
  it("round-trips keys through the file with the default Argon2id parameters", async () => {
    const file = await storePath();
    const store = await Keystore.open(file, "correct horse battery staple");
    await store.set("openai", OPENAI);
    await store.set("groq", GROQ);

    const reopened = await Keystore.open(file, "correct horse battery staple");
    expect(reopened.get("openai")).toBe(OPENAI);
    expect(reopened.get("groq")).toBe(GROQ);
    expect(reopened.providers()).toEqual(["groq", "openai"]);
    const json = JSON.parse(await readFile(file, "utf8"));
    expect(json).toMatchObject({
      format: "ts-coding-agent/keystore",
      version: 1,
      kdf: { name: "argon2id13", opsLimit: 2, memLimit: 67108864 },
      cipher: "xchacha20poly1305-ietf",
    });
  });

  it("never writes a key in clear text and uses a fresh nonce on every write", async () => {
    const file = await storePath();
    const store = await Keystore.open(file, "master", CHEAP);
    await store.set("openai", OPENAI);
    const first = JSON.parse(await readFile(file, "utf8"));
    await store.set("openai", OPENAI);
    const second = JSON.parse(await readFile(file, "utf8"));

    const raw = await readFile(file, "utf8");
    expect(raw).not.toContain(OPENAI);
    expect(raw).not.toContain(Buffer.from(OPENAI).toString("base64").slice(0, 20));
    expect(second.nonce).not.toBe(first.nonce);
    expect(second.ciphertext).not.toBe(first.ciphertext);
    // The salt belongs to the store (ADR 005): stable across writes, new on rotation.
    expect(second.kdf.salt).toBe(first.kdf.salt);
  });

  it("treats a missing file as an empty store and creates nothing until the first write", async () => {
    const file = await storePath();
    const store = await Keystore.open(file, "master", CHEAP);
    expect(store.providers()).toEqual([]);
    expect(store.list()).toEqual([]);
    expect(store.get("openai")).toBeUndefined();
    await expect(stat(file)).rejects.toMatchObject({ code: "ENOENT" });
    expect((await stat(path.dirname(file))).mode & 0o777).toBe(0o700);

    await store.set("openai", OPENAI);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
  });

  it("lists providers with masked hints only", async () => {
    const store = await Keystore.open(await storePath(), "master", CHEAP);
    await store.set("openai", OPENAI);
    await store.set("groq", GROQ);
    const listing = store.list();
    expect(listing.map(({ provider, hint }) => ({ provider, hint }))).toEqual([
      { provider: "groq", hint: "gsk_…stuv" },
      { provider: "openai", hint: "sk-proj-…1234" },
    ]);
    expect(JSON.stringify(listing)).not.toContain(OPENAI.slice(8, 20));
    expect(Number.isNaN(Date.parse(listing[0]?.updatedAt ?? ""))).toBe(false);
  });

  it("normalises provider names to lower case and trims pasted keys", async () => {
    const file = await storePath();
    const store = await Keystore.open(file, "master", CHEAP);
    await store.set("  OpenAI ", `  ${OPENAI}\n`);
    expect(store.get("OPENAI")).toBe(OPENAI);
    expect((await Keystore.open(file, "master", CHEAP)).providers()).toEqual(["openai"]);
  });

  it("replaces a key and removes one, returning false for a provider it never had", async () => {
    const file = await storePath();
    const store = await Keystore.open(file, "master", CHEAP);
    await store.set("openai", OPENAI);
    await store.set("openai", `${OPENAI}-new`);
    expect(store.get("openai")).toBe(`${OPENAI}-new`);
    expect(await store.remove("openai")).toBe(true);
    expect(await store.remove("openai")).toBe(false);
    expect(await store.remove("nobody")).toBe(false);
    expect((await Keystore.open(file, "master", CHEAP)).providers()).toEqual([]);
  });

  it("serialises concurrent mutations so none is lost", async () => {
    const file = await storePath();
    const store = await Keystore.open(file, "master", CHEAP);
    await Promise.all(Array.from({ length: 12 }, (_, i) => store.set(`p${i}`, `key-value-${i}-abcdefgh`)));
    const reopened = await Keystore.open(file, "master", CHEAP);
    expect(reopened.providers()).toHaveLength(12);
    expect(reopened.get("p7")).toBe("key-value-7-abcdefgh");
  });

  it.each([
    ["an empty provider name", "", OPENAI],
    ["a provider name with a space", "open ai", OPENAI],
    ["a provider name with a slash", "../etc", OPENAI],
    ["an empty key", "openai", ""],
    ["a whitespace-only key", "openai", "   "],
    ["a key with an inner space", "openai", "sk-abc def"],
    ["a non-string key", "openai", 42 as unknown as string],
  ])("rejects %s with invalid-input and writes nothing", async (_label, provider, key) => {
    const file = await storePath();
    const store = await Keystore.open(file, "master", CHEAP);
    const error = await caught(() => store.set(provider, key));
    expect(KeystoreError.isInstance(error) && error.code).toBe("invalid-input");
    await expect(stat(file)).rejects.toMatchObject({ code: "ENOENT" });
  });

  it("refuses an empty master key", async () => {
    const error = await caught(() => Keystore.open("/tmp/unused/keys.enc", "", CHEAP));
    expect(KeystoreError.isInstance(error) && error.code).toBe("invalid-input");
    expect((error as Error).message).toContain("LLM_MASTER_KEY");
  });

  it("refuses out-of-range kdf options", async () => {
    const error = await caught(async () =>
      Keystore.open(await storePath(), "m", { kdf: { opsLimit: 0, memLimit: 8192 } }),
    );
    expect(KeystoreError.isInstance(error) && error.code).toBe("invalid-input");
  });

  it("refuses a keystore readable by others and says the exact chmod, leaving the file as it was", async () => {
    const file = await storePath();
    await (await Keystore.open(file, "master", CHEAP)).set("openai", OPENAI);
    await chmod(file, 0o644);
    const before = await readFile(file);

    const error = await caught(() => Keystore.open(file, "master", CHEAP));
    expect(KeystoreError.isInstance(error) && error.code).toBe("insecure-permissions");
    expect((error as KeystoreError).path).toBe(file);
    expect((error as Error).message).toContain(`chmod 600 ${file}`);
    expect(await readFile(file)).toEqual(before);

    await chmod(file, 0o600);
    expect((await Keystore.open(file, "master", CHEAP)).get("openai")).toBe(OPENAI);
  });

  it("refuses a keystore directory others can write and says chmod 700", async () => {
    const dir = path.join(await temp.make(), "shared");
    await mkdir(dir);
    await chmod(dir, 0o777);
    const error = await caught(() => Keystore.open(path.join(dir, "keys.enc"), "master", CHEAP));
    expect(KeystoreError.isInstance(error) && error.code).toBe("insecure-permissions");
    expect((error as Error).message).toContain(`chmod 700 ${dir}`);
  });

  it("reports a path that is a directory as an io error", async () => {
    const file = await storePath();
    await mkdir(file, { recursive: true });
    const error = await caught(() => Keystore.open(file, "master", CHEAP));
    expect(KeystoreError.isInstance(error) && error.code).toBe("io");
    expect((error as Error).message).toContain("not a regular file");
  });

  it("ignores stale temp files next to the store and clears a dead writer's on the next write", async () => {
    const file = await storePath();
    const store = await Keystore.open(file, "master", CHEAP);
    await store.set("openai", OPENAI);
    // pid 2^22+1 is above Linux's pid_max default, so no live process owns this temp.
    const stale = path.join(path.dirname(file), ".keys.enc.4194305.abcdef.tmp");
    await writeFile(stale, "half a keystore", { mode: 0o600 });

    expect((await Keystore.open(file, "master", CHEAP)).get("openai")).toBe(OPENAI);
    await store.set("groq", GROQ);
    await expect(stat(stale)).rejects.toMatchObject({ code: "ENOENT" });
  });
});
