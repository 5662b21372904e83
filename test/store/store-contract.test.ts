// The Store contract, proved against both backends: the local folders (in a temp dir) and a real Redis.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { Artifacts } from "../../agent/src/store/artifacts.js";
import { LocalStore } from "../../agent/src/store/local-store.js";
import { RedisStore } from "../../agent/src/store/redis-store.js";
import { type Store, type StoreChange, StoreConflictError, StoreError } from "../../agent/src/store/store.js";
import { type RedisServer, redisUnavailable, startRedis } from "../support/redis-server.js";

const skipRedis = redisUnavailable();
if (skipRedis) console.warn(skipRedis);

let redis: RedisServer | undefined;
let prefixCount = 0;
const dirs: string[] = [];

beforeAll(async () => {
  if (!skipRedis) redis = await startRedis();
});
afterAll(async () => {
  await redis?.stop();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "store-contract-"));
  dirs.push(dir);
  return dir;
}

function localStore(): { store: Store; dir: string } {
  const dir = tempDir();
  const store = new LocalStore({
    skillsDir: join(dir, "skills"),
    ledgerPath: join(dir, "data", "skill-approvals.json"),
    dynamicToolsDir: join(dir, "dynamic-tools"),
    artifactsDir: join(dir, "artifacts"),
    pollMs: 50,
  });
  return { store, dir };
}

const backends: Array<[string, () => Promise<Store>, boolean]> = [
  ["local", async () => localStore().store, false],
  [
    "redis",
    async () => RedisStore.connect({ url: (redis as RedisServer).url, prefix: `{t${++prefixCount}}` }),
    Boolean(skipRedis),
  ],
];

const skill = (text: string) => ({ "SKILL.md": `---\nname: demo\n---\n${text}`, "skill.ts": "export {}" });

describe.each(backends)("%s store", (_name, open, skip) => {
  const opened: Store[] = [];
  const make = async () => {
    const store = await open();
    opened.push(store);
    return store;
  };
  afterEach(async () => {
    for (const store of opened.splice(0)) await store.close();
  });

  it.skipIf(skip)("puts, gets, lists and deletes items of every kind", async () => {
    const store = await make();
    const version = await store.put("skill", "demo", skill("one"));
    await store.put("tool", "word_count", { "tool.json": "{}", "index.ts": "export default 1" });
    await store.put("approval", "demo", { "approval.json": '{"sha256":"x"}' });
    await store.put("artifact", "report.json", { data: '{"ok":true}' });
    expect((await store.get("skill", "demo"))?.files).toEqual(skill("one"));
    expect((await store.get("skill", "demo"))?.version).toBe(version);
    expect((await store.list("tool")).map((i) => i.name)).toEqual(["word_count"]);
    expect(store.readNow("approval").map((i) => i.files["approval.json"])).toEqual(['{"sha256":"x"}']);
    expect((await store.get("artifact", "report.json"))?.files.data).toBe('{"ok":true}');
    expect(await store.delete("skill", "demo")).toBe(true);
    expect(await store.get("skill", "demo")).toBeUndefined();
    expect(store.readNow("skill")).toEqual([]);
    expect(await store.delete("skill", "demo")).toBe(false);
  });

  it.skipIf(skip)(
    "a write with a stale version is refused with a conflict naming both versions",
    async () => {
      const store = await make();
      const first = await store.put("skill", "demo", skill("one"));
      const second = await store.put("skill", "demo", skill("two"), { expected: first });
      expect(second).not.toBe(first);
      const stale = store.put("skill", "demo", skill("three"), { expected: first });
      await expect(stale).rejects.toSatisfy(StoreConflictError.isInstance);
      await expect(stale).rejects.toThrow(/changed by someone else.*read it again and retry/);
      await expect(store.put("skill", "demo", skill("new"), { expected: null })).rejects.toThrow(
        /expected no item/,
      );
      await expect(store.delete("skill", "demo", { expected: first })).rejects.toSatisfy(
        StoreConflictError.isInstance,
      );
      expect((await store.get("skill", "demo"))?.files).toEqual(skill("two"));
    },
  );

  it.skipIf(skip)("rejects bad names, unknown files and oversized files", async () => {
    const store = await make();
    await expect(store.put("skill", "../etc", skill("x"))).rejects.toSatisfy(StoreError.isInstance);
    await expect(store.put("skill", "Demo", skill("x"))).rejects.toThrow(/lowercase letters/);
    await expect(store.put("tool", "t", { "run.sh": "x" })).rejects.toThrow(
      /holds only tool.json and index.ts/,
    );
    await expect(store.put("artifact", "a/b", { data: "x" })).rejects.toThrow(/no path separators/);
    await expect(store.put("skill", "big", { "SKILL.md": "x".repeat(600_000) })).rejects.toThrow(/most is/);
    await expect(store.get("skill", "a b")).rejects.toSatisfy(StoreError.isInstance);
  });

  it.skipIf(skip)("keeps artifacts as text or JSON, versioned, by name", async () => {
    const artifacts = new Artifacts(await make());
    const version = await artifacts.saveJson("results.json", { passed: 12, failed: [] });
    expect(await artifacts.loadJson("results.json")).toEqual({ passed: 12, failed: [] });
    await artifacts.save("notes.md", "# notes\n");
    expect(await artifacts.names()).toEqual(["notes.md", "results.json"]);
    await expect(artifacts.saveJson("results.json", { passed: 0 }, { expected: "stale" })).rejects.toSatisfy(
      StoreConflictError.isInstance,
    );
    await artifacts.saveJson("results.json", { passed: 13 }, { expected: version });
    await expect(artifacts.loadJson("notes.md")).rejects.toThrow(/is not JSON/);
    expect(await artifacts.delete("notes.md")).toBe(true);
    expect(await artifacts.load("notes.md")).toBeUndefined();
  });

  it.skipIf(skip)("tells watchers about writes and deletes, with readNow already current", async () => {
    const store = await make();
    const seen: Array<StoreChange & { now: number }> = [];
    const stop = store.watch((change) => seen.push({ ...change, now: store.readNow("skill").length }));
    const version = await store.put("skill", "demo", skill("one"));
    await expect.poll(() => seen.at(-1)).toEqual({ kind: "skill", name: "demo", version, now: 1 });
    await store.delete("skill", "demo");
    await expect.poll(() => seen.at(-1)).toEqual({ kind: "skill", name: "demo", version: null, now: 0 });
    stop();
  });
});

describe("local store layout", () => {
  it("keeps the folders the agent always used", async () => {
    const { store, dir } = localStore();
    await store.put("skill", "demo", skill("one"));
    await store.put("approval", "demo", {
      "approval.json": JSON.stringify({ sha256: "a".repeat(64), approvedBy: "me", approvedAt: "now" }),
    });
    await store.put("tool", "word_count", { "tool.json": "{}", "index.ts": "export default 1" });
    await store.put("artifact", "notes.md", { data: "# notes" });
    expect(readFileSync(join(dir, "skills", "demo", "SKILL.md"), "utf8")).toBe(skill("one")["SKILL.md"]);
    expect(JSON.parse(readFileSync(join(dir, "data", "skill-approvals.json"), "utf8"))).toEqual({
      demo: { sha256: "a".repeat(64), approvedBy: "me", approvedAt: "now" },
    });
    expect(readFileSync(join(dir, "dynamic-tools", "word_count", "index.ts"), "utf8")).toBe(
      "export default 1",
    );
    expect(readFileSync(join(dir, "artifacts", "notes.md"), "utf8")).toBe("# notes");
  });

  it("never follows a symlink the sandbox could plant in dynamic-tools/: not as a folder, not as a file", async () => {
    const { store, dir } = localStore();
    const secret = join(dir, "data");
    mkdirSync(secret, { recursive: true });
    writeFileSync(join(secret, "index.ts"), "SECRET");
    writeFileSync(join(secret, "tool.json"), "{}");
    mkdirSync(join(dir, "dynamic-tools", "real"), { recursive: true });
    symlinkSync(secret, join(dir, "dynamic-tools", "linked"));
    symlinkSync(join(secret, "index.ts"), join(dir, "dynamic-tools", "real", "index.ts"));
    writeFileSync(join(dir, "dynamic-tools", "real", "tool.json"), '{"name":"real"}');
    expect(store.readNow("tool").map((item) => [item.name, item.files])).toEqual([
      ["real", { "tool.json": '{"name":"real"}' }],
    ]);
    expect(await store.get("tool", "linked")).toBeUndefined();
    await expect(store.put("tool", "linked", { "index.ts": "x" })).rejects.toThrow(/is a symlink/);
    expect(readFileSync(join(secret, "index.ts"), "utf8")).toBe("SECRET");
  });
});
