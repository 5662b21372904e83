// The master-key length rule is one constant: LLM_MASTER_KEY and `agent keys rotate` refuse one character
// fewer than MASTER_KEY_MIN_LENGTH and accept exactly that many.
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { afterEach, describe, expect, it } from "vitest";
import { rotateKeystore } from "../../agent/src/cli/keys-rotate.js";
import { Terminal } from "../../agent/src/cli/terminal.js";
import { ConfigError, loadConfig } from "../../agent/src/config.js";
import { Keystore } from "../../agent/src/keys/keystore.js";
import { isLongEnoughMasterKey, MASTER_KEY_MIN_LENGTH } from "../../agent/src/keys/master-key.js";
import { SecretSet } from "../../agent/src/keys/secrets.js";

const justLongEnough = "k".repeat(MASTER_KEY_MIN_LENGTH);
const tooShort = justLongEnough.slice(1);
const dirs: string[] = [];
afterEach(async () => {
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

function capture() {
  const stderr = new PassThrough();
  let text = "";
  stderr.on("data", (chunk: Buffer) => {
    text += chunk.toString();
  });
  const term = new Terminal({ stdout: new PassThrough(), stderr, fancy: false, secrets: new SecretSet() });
  return { term, stderr: () => text };
}

describe("the master-key length rule", () => {
  it("is twelve characters", () => {
    expect(MASTER_KEY_MIN_LENGTH).toBe(12);
    expect(isLongEnoughMasterKey(justLongEnough)).toBe(true);
    expect(isLongEnoughMasterKey(tooShort)).toBe(false);
  });

  it("decides whether LLM_MASTER_KEY is accepted", () => {
    const env = { HOME: "/home/test", DATA_DIR: "/tmp/agent-data-test", AGENT_IN_CONTAINER: "0" };
    expect(loadConfig([], { ...env, LLM_MASTER_KEY: justLongEnough }).masterKey).toBe(justLongEnough);
    expect(() => loadConfig([], { ...env, LLM_MASTER_KEY: tooShort })).toThrow(ConfigError);
    expect(() => loadConfig([], { ...env, LLM_MASTER_KEY: tooShort })).toThrow(
      `expected at least ${MASTER_KEY_MIN_LENGTH} characters`,
    );
  });

  it("decides whether agent keys rotate takes the new key, and a refused key leaves the file as it was", async () => {
    const dir = await mkdtemp(join(tmpdir(), "master-key-"));
    dirs.push(dir);
    const keystorePath = join(dir, "keys.enc");
    const store = await Keystore.open(keystorePath, "the-current-master-key");
    await store.set("openai", "sk-test-0123456789");
    const before = await readFile(keystorePath);

    const refused = capture();
    const options = { keystorePath, masterKey: "the-current-master-key", interactive: false };
    expect(await rotateKeystore({ ...options, newMasterKey: tooShort, term: refused.term })).toBe(2);
    expect(refused.stderr()).toContain(`at least ${MASTER_KEY_MIN_LENGTH} characters`);
    expect(await readFile(keystorePath)).toEqual(before);

    const accepted = capture();
    expect(await rotateKeystore({ ...options, newMasterKey: justLongEnough, term: accepted.term })).toBe(0);
    expect(await (await Keystore.open(keystorePath, justLongEnough)).get("openai")).toBe(
      "sk-test-0123456789",
    );
  });
});
