// writeFileAtomic and stale-temp cleanup on real files, and the crash test: a writer SIGKILLed at random
// moments, many times, always leaves a store holding the old or the new version, never neither.
import { mkdir, readdir, readFile, stat, utimes, writeFile } from "node:fs/promises";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { removeStaleTemps, writeFileAtomic } from "../../agent/src/keys/atomic-write.js";
import { Keystore } from "../../agent/src/keys/keystore.js";
import { killAll, killHard, spawnScript, waitForLine } from "./support/child.js";
import { compileChildren } from "./support/compiled-children.js";
import { CHEAP, CRASH_VERSIONS, caught, TempDirs } from "./support/temp-store.js";

const temp = new TempDirs();
afterEach(async () => {
  await killAll();
  await temp.cleanup();
});

const DEAD_PID = 4194305; // above Linux's largest pid_max: never a live process

describe("writeFileAtomic", () => {
  it("replaces the target with mode 0600 and leaves no temp file behind", async () => {
    const dir = await temp.make();
    const target = path.join(dir, "keys.enc");
    await writeFile(target, "old", { mode: 0o644 });
    await writeFileAtomic(target, "new", 0o600);
    expect(await readFile(target, "utf8")).toBe("new");
    expect((await stat(target)).mode & 0o777).toBe(0o600);
    expect(await readdir(dir)).toEqual(["keys.enc"]);
  });

  it("writes bytes as given", async () => {
    const target = path.join(await temp.make(), "blob");
    const bytes = new Uint8Array([0, 255, 10, 13, 128]);
    await writeFileAtomic(target, bytes, 0o600);
    expect(new Uint8Array(await readFile(target))).toEqual(bytes);
  });

  it("removes its temp file and leaves the target alone when the rename fails", async () => {
    const dir = await temp.make();
    const target = path.join(dir, "taken");
    await mkdir(target);
    await writeFile(path.join(target, "inside"), "keep me");

    const error = await caught(() => writeFileAtomic(target, "data", 0o600));
    expect((error as NodeJS.ErrnoException).code).toMatch(/EISDIR|ENOTEMPTY|EEXIST/);
    expect(await readFile(path.join(target, "inside"), "utf8")).toBe("keep me");
    expect((await readdir(dir)).filter((name) => name.endsWith(".tmp"))).toEqual([]);
  });

  it("fails with ENOENT when the directory does not exist", async () => {
    const target = path.join(await temp.make(), "missing", "keys.enc");
    const error = await caught(() => writeFileAtomic(target, "data", 0o600));
    expect((error as NodeJS.ErrnoException).code).toBe("ENOENT");
  });
});

describe("removeStaleTemps", () => {
  it("removes a dead writer's temp and old temps, keeps a live writer's fresh one and other targets' temps", async () => {
    const dir = await temp.make();
    const target = path.join(dir, "keys.enc");
    const dead = path.join(dir, `.keys.enc.${DEAD_PID}.aaaaaa.tmp`);
    const live = path.join(dir, `.keys.enc.${process.pid}.bbbbbb.tmp`);
    const old = path.join(dir, `.keys.enc.${process.pid}.cccccc.tmp`);
    const unrelated = path.join(dir, `.other.enc.${DEAD_PID}.dddddd.tmp`);
    const backupTemp = path.join(dir, `.keys.enc.bak.${DEAD_PID}.eeeeee.tmp`);
    for (const file of [dead, live, old, unrelated, backupTemp, target]) await writeFile(file, "x");
    const twoMinutesAgo = new Date(Date.now() - 120_000);
    await utimes(old, twoMinutesAgo, twoMinutesAgo);

    const removed = await removeStaleTemps(target);
    expect(removed.sort()).toEqual([dead, old].sort());
    expect((await readdir(dir)).sort()).toEqual(
      [path.basename(live), path.basename(unrelated), path.basename(backupTemp), "keys.enc"].sort(),
    );
  });

  it("returns nothing for a directory that does not exist", async () => {
    expect(await removeStaleTemps("/nonexistent-dir-for-test/keys.enc")).toEqual([]);
  });
});

describe("crash safety", () => {
  it("a writer killed at random moments 50 times always leaves the old or the new store", async () => {
    const writerScript = (await compileChildren(await temp.make()))("keystore-writer");
    const dir = await temp.make();
    const file = path.join(dir, "keys.enc");
    const seen = new Set<string>();
    // Two lanes in separate directories halve the wall time; each lane reuses its store across rounds.
    const lane = async (laneFile: string, rounds: number) => {
      for (let round = 0; round < rounds; round++) {
        const writer = spawnScript(writerScript, [laneFile, "crash-master"]);
        await waitForLine(writer, "ready");
        await new Promise((resolve) => setTimeout(resolve, Math.random() * 80));
        await killHard(writer);
        const value = (await Keystore.open(laneFile, "crash-master", CHEAP)).get("provider");
        expect(CRASH_VERSIONS).toContain(value);
        seen.add(value as string);
      }
    };
    const secondDir = await temp.make();
    await Promise.all([lane(file, 25), lane(path.join(secondDir, "keys.enc"), 25)]);
    // Both versions turned up, so kills did land in the middle of the write loop.
    expect(seen.size).toBe(2);
    // Dead writers' temp files are cleared by the next write.
    await (await Keystore.open(file, "crash-master", CHEAP)).set("provider", "sk-after-the-crashes");
    expect((await readdir(dir)).filter((name) => name.endsWith(".tmp"))).toEqual([]);
  }, 120_000);
});
