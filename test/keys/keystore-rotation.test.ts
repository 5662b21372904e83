// Rotation re-encrypts under a new master key; the old key stops working, the backup goes only on success.
// A failed or killed rotation leaves the old store usable and the backup in place.
import { existsSync } from "node:fs";
import { mkdir, readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { Keystore } from "../../agent/src/keys/keystore.js";
import { KeystoreError } from "../../agent/src/keys/keystore-error.js";
import { killAll, killHard, spawnScript, waitForLine } from "./support/child.js";
import { CHEAP, caught, TempDirs } from "./support/temp-store.js";

const temp = new TempDirs();
afterEach(async () => {
  await killAll();
  await temp.cleanup();
});

const OPENAI = "sk-proj-rotation0123456789abcdefghij";

async function storeWithKey(): Promise<{ file: string; store: Keystore }> {
  const file = path.join(await temp.make(), "keys.enc");
  const store = await Keystore.open(file, "old-master", CHEAP);
  await store.set("openai", OPENAI);
  return { file, store };
}

async function openCode(file: string, masterKey: string): Promise<string | false> {
  const error = await caught(() => Keystore.open(file, masterKey, CHEAP));
  return KeystoreError.isInstance(error) && error.code;
}

describe("Keystore.rotate", () => {
  it("re-encrypts under the new key with a new salt: the old key fails, the new one works, no backup remains", async () => {
    const { file, store } = await storeWithKey();
    const before = JSON.parse(await readFile(file, "utf8"));
    await store.rotate("new-master");

    const after = JSON.parse(await readFile(file, "utf8"));
    expect(after.kdf.salt).not.toBe(before.kdf.salt);
    expect(await openCode(file, "old-master")).toBe("wrong-key");
    expect((await Keystore.open(file, "new-master", CHEAP)).get("openai")).toBe(OPENAI);
    expect(existsSync(store.backupPath)).toBe(false);
    expect(await readdir(path.dirname(file))).toEqual(["keys.enc"]);
  });

  it("keeps using the new key for later writes through the same object", async () => {
    const { file, store } = await storeWithKey();
    await store.rotate("new-master");
    await store.set("groq", "gsk_after_rotation_0123456789");
    const reopened = await Keystore.open(file, "new-master", CHEAP);
    expect(reopened.providers()).toEqual(["groq", "openai"]);
  });

  it("writes a never-saved store straight under the new key", async () => {
    const file = path.join(await temp.make(), "keys.enc");
    const store = await Keystore.open(file, "old-master", CHEAP);
    await store.rotate("new-master");
    expect((await Keystore.open(file, "new-master", CHEAP)).providers()).toEqual([]);
    expect(await openCode(file, "old-master")).toBe("wrong-key");
  });

  it("refuses an empty new master key and changes nothing", async () => {
    const { file, store } = await storeWithKey();
    const bytes = await readFile(file);
    const error = await caught(() => store.rotate(""));
    expect(KeystoreError.isInstance(error) && error.code).toBe("invalid-input");
    expect(await readFile(file)).toEqual(bytes);
  });

  it("on a failed rotation (backup cannot be written) keeps the old store usable with the old key", async () => {
    const { file, store } = await storeWithKey();
    // A directory where the backup goes makes its rename fail: a real I/O failure, no mock.
    await mkdir(store.backupPath);
    const error = await caught(() => store.rotate("new-master"));
    expect(KeystoreError.isInstance(error) && error.code).toBe("io");
    expect((error as Error).message).toContain("intact");

    await store.set("groq", "gsk_still_works_0123456789");
    const reopened = await Keystore.open(file, "old-master", CHEAP);
    expect(reopened.get("openai")).toBe(OPENAI);
    expect(reopened.get("groq")).toBe("gsk_still_works_0123456789");
  });

  it("a rotation killed after the backup was written leaves the old store and the backup, and can be redone", async () => {
    const { file, store } = await storeWithKey();
    const original = await readFile(file);
    let caughtMidway = false;
    // The rotator's slow Argon2 (about 0.2-1 s) runs after the backup exists; poll for it and kill.
    for (let attempt = 0; attempt < 3 && !caughtMidway; attempt++) {
      const rotator = spawnScript("keystore-rotator.ts", [file, "old-master", "new-master"]);
      await waitForLine(rotator, "rotating");
      const deadline = Date.now() + 20_000;
      while (!existsSync(store.backupPath) && rotator.exitCode === null && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 1));
      }
      await killHard(rotator);
      caughtMidway = existsSync(store.backupPath) && (await readFile(file)).equals(original);
      if (!caughtMidway) {
        // Too late: the rotation finished. Put the old store back and try again.
        await (await Keystore.open(file, "new-master", CHEAP)).rotate("old-master");
      }
    }
    expect(caughtMidway).toBe(true);
    expect(await readFile(store.backupPath)).toEqual(original);
    expect((await Keystore.open(file, "old-master", CHEAP)).get("openai")).toBe(OPENAI);
    expect(await openCode(file, "new-master")).toBe("wrong-key");

    // Rotating again succeeds and clears the leftover backup.
    await (await Keystore.open(file, "old-master", CHEAP)).rotate("new-master");
    expect(existsSync(store.backupPath)).toBe(false);
    expect((await Keystore.open(file, "new-master", CHEAP)).get("openai")).toBe(OPENAI);
  }, 90_000);
});
