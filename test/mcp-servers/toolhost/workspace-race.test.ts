// The TOCTOU guard under a real race: a separate process keeps swapping a file (or a parent directory) for a
// symlink to an outside secret while the toolhost reads or writes through that path; nothing leaks out.
import { type ChildProcess, spawn } from "node:child_process";
import { mkdir, readdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { afterEach, beforeEach, expect, it } from "vitest";
import { type InProcessToolhost, makeSandbox, type Sandbox, startInProcess } from "./toolhost-harness.js";

const SECRET = "SECRET-BYTES-9c1e";

// Swaps `target` between a plain entry and a symlink to `outside` as fast as it can, until killed.
const FLIP_FILE = `
const fs = require("node:fs");
const [target, outside] = process.argv.slice(1);
const tmpLink = target + ".l", tmpFile = target + ".f";
process.stdout.write("ready\\n");
for (;;) {
  try { fs.unlinkSync(tmpLink); } catch {}
  fs.symlinkSync(outside, tmpLink); fs.renameSync(tmpLink, target);
  fs.writeFileSync(tmpFile, "safe content"); fs.renameSync(tmpFile, target);
}`;

// Swaps directory `target` with a symlink to the outside directory (two renames each way). A write racing it
// may create a fresh \`target\` directory while the real one is parked; that one is thrown away.
const FLIP_DIRECTORY = `
const fs = require("node:fs");
const [target, outside] = process.argv.slice(1);
const parked = target + ".dir", link = target + ".link";
process.stdout.write("ready\\n");
const attempt = (step) => { try { step(); } catch {} };
for (;;) {
  attempt(() => fs.symlinkSync(outside, link));
  attempt(() => fs.renameSync(target, parked));
  attempt(() => fs.renameSync(link, target));
  attempt(() => fs.renameSync(target, link));
  try { fs.renameSync(parked, target); } catch { attempt(() => fs.rmSync(target, { recursive: true, force: true })); }
}`;

let sandbox: Sandbox;
let host: InProcessToolhost;
let flipper: ChildProcess | undefined;

beforeEach(async () => {
  sandbox = await makeSandbox();
  await writeFile(path.join(sandbox.outside, "secret.txt"), SECRET);
  host = await startInProcess(sandbox.workspace);
});

afterEach(async () => {
  await stopFlipper();
  await host.close();
  await sandbox.remove();
});

/** Kills the flipper and waits until it is gone: a flipper still running would refill the dir being removed. */
async function stopFlipper(): Promise<void> {
  const child = flipper;
  flipper = undefined;
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  child.kill("SIGKILL");
  await exited;
}

async function startFlipper(script: string, target: string, outside: string): Promise<void> {
  const child = spawn(process.execPath, ["-e", script, target, outside], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  flipper = child;
  await new Promise<void>((resolve, reject) => {
    child.stdout?.once("data", () => resolve());
    child.once("exit", (code) => reject(new Error(`flipper exited early with ${code}`)));
  });
}

it("reading a file that flips to a symlink to an outside secret 1000 times never returns a byte of it", async () => {
  await startFlipper(
    FLIP_FILE,
    path.join(sandbox.workspace, "flip.txt"),
    path.join(sandbox.outside, "secret.txt"),
  );
  let served = 0;
  let refused = 0;
  for (let attempt = 0; attempt < 1000; attempt++) {
    const result = await host.call("read_file", { path: "flip.txt" });
    expect(result.text).not.toContain(SECRET);
    if (result.isError) refused++;
    else {
      expect(result.text).toBe("safe content");
      served++;
    }
  }
  expect(served).toBeGreaterThan(0);
  expect(refused).toBeGreaterThan(0);
  expect(flipper?.exitCode).toBe(null);
});

it("reading through a parent directory that flips to a symlink outside 1000 times never leaks", async () => {
  const directory = path.join(sandbox.workspace, "d");
  await mkdir(directory);
  await writeFile(path.join(directory, "secret.txt"), "safe content");
  await startFlipper(FLIP_DIRECTORY, directory, sandbox.outside);
  let served = 0;
  for (let attempt = 0; attempt < 1000; attempt++) {
    const result = await host.call("read_file", { path: "d/secret.txt" });
    expect(result.text).not.toContain(SECRET);
    if (!result.isError) served++;
  }
  expect(served).toBeGreaterThan(0);
  expect(flipper?.exitCode).toBe(null);
});

it("writing through a parent directory that flips to a symlink outside never creates a file outside", async () => {
  const directory = path.join(sandbox.workspace, "d");
  await mkdir(directory);
  await startFlipper(FLIP_DIRECTORY, directory, sandbox.outside);
  for (let attempt = 0; attempt < 300; attempt++) {
    await host.call("write_file", { path: `d/new-${attempt}.txt`, content: "written" });
  }
  expect(flipper?.exitCode).toBe(null);
  await stopFlipper();
  expect((await readdir(sandbox.outside)).sort()).toEqual(["secret.txt"]);
});
