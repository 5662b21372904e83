// Agents in several processes share one keystore: ten that opened it at once each store a key and none is
// lost; one opened before a rotation elsewhere refuses to write under the old master key; a dead holder's
// lock is taken over and a live holder's makes a change fail with `busy` after the wait.
import { spawn } from "node:child_process";
import { writeFile } from "node:fs/promises";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { Keystore } from "../../agent/src/keys/keystore.js";
import { KeystoreError } from "../../agent/src/keys/keystore-error.js";
import { processIdentity } from "../../agent/src/keys/process-identity.js";
import { killAll, spawnScript, waitForLine } from "./support/child.js";
import { compileChildren } from "./support/compiled-children.js";
import { CHEAP, caught, TempDirs } from "./support/temp-store.js";

const temp = new TempDirs();
afterEach(async () => {
  await killAll();
  await temp.cleanup();
});

async function storePath(): Promise<string> {
  return path.join(await temp.make(), "keys.enc");
}

describe("a keystore shared by several agent processes", () => {
  it("ten agents that opened the store store a key each at the same moment, and all ten keys are kept", async () => {
    const setter = (await compileChildren(await temp.make()))("keystore-setter");
    const file = await storePath();
    await (await Keystore.open(file, "shared-master", CHEAP)).set("existing", "sk-existing-0123456789");
    const agents = Array.from({ length: 10 }, (_, i) =>
      spawnScript(setter, [file, "shared-master", `p${i}`, `sk-key-${i}-0123456789`], { stdin: "pipe" }),
    );
    await Promise.all(agents.map((agent) => waitForLine(agent, "opened", 60_000)));
    // Every agent read the same file before any writes: the moment the lost updates happened.
    const stored = agents.map((agent) => waitForLine(agent, "stored", 60_000));
    for (const agent of agents) agent.stdin?.write("go\n");
    await Promise.all(stored);
    const reopened = await Keystore.open(file, "shared-master", CHEAP);
    expect(reopened.providers()).toEqual(
      ["existing", ...Array.from({ length: 10 }, (_, i) => `p${i}`)].sort(),
    );
    expect(reopened.get("p7")).toBe("sk-key-7-0123456789");
  }, 120_000);

  it("an agent opened before `agent keys rotate` refuses to write under the old master key", async () => {
    const file = await storePath();
    const early = await Keystore.open(file, "old-master", CHEAP);
    await early.set("openai", "sk-openai-0123456789");
    const rotator = await Keystore.open(file, "old-master", CHEAP);
    await rotator.set("groq", "gsk-groq-0123456789");
    await rotator.rotate("new-master");

    const error = await caught(() => early.set("openrouter", "sk-or-0123456789"));
    expect(KeystoreError.isInstance(error) && error.code).toBe("rotated");
    expect((error as Error).message).toMatch(/Restart the agent with the new LLM_MASTER_KEY/);
    const reopened = await Keystore.open(file, "new-master", CHEAP);
    expect(reopened.providers()).toEqual(["groq", "openai"]);
  });

  it("sees keys another agent stored, once it changes the store itself", async () => {
    const file = await storePath();
    const a = await Keystore.open(file, "master", CHEAP);
    const b = await Keystore.open(file, "master", CHEAP);
    await a.set("openai", "sk-openai-0123456789");
    await b.set("groq", "gsk-groq-0123456789");
    expect(b.providers()).toEqual(["groq", "openai"]);
    expect(await b.remove("openai")).toBe(true);
    expect((await Keystore.open(file, "master", CHEAP)).providers()).toEqual(["groq"]);
  });

  it("takes over the lock of a holder that died, and reports `busy` while a live one holds it", async () => {
    const file = await storePath();
    const store = await Keystore.open(file, "master", { ...CHEAP, lockTimeoutMs: 300 });
    const dead = spawn("sleep", ["30"]);
    const deadIdentity = processIdentity(dead.pid);
    expect(deadIdentity).toBeDefined();
    dead.kill("SIGKILL");
    await new Promise((resolve) => dead.once("exit", resolve));
    await writeFile(store.lockPath, JSON.stringify({ token: "crashed", holder: deadIdentity }));
    await store.set("openai", "sk-openai-0123456789");
    expect(store.get("openai")).toBe("sk-openai-0123456789");

    await writeFile(store.lockPath, JSON.stringify({ token: "live", holder: processIdentity(process.pid) }));
    const error = await caught(() => store.set("groq", "gsk-groq-0123456789"));
    expect(KeystoreError.isInstance(error) && error.code).toBe("busy");
    expect((error as Error).message).toContain(store.lockPath);
    expect((await Keystore.open(file, "master", CHEAP)).providers()).toEqual(["openai"]);
  });
});
