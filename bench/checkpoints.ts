// Benchmark 8, checkpoints: what a turn's snapshot costs in the shadow git repository (real git), on a
// workspace of 1,000 files with a node_modules of 2,000 more (left out), cold, warm, and to restore.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CheckpointStore } from "../agent/src/checkpoints/checkpoint-store.js";
import { check } from "./support/bounded.js";
import type { Benchmark, BenchReport } from "./support/report.js";
import { judge } from "./support/report.js";
import { median, ms } from "./support/stats.js";

const FILES = 1_000;
const DEPENDENCY_FILES = 2_000;
const RUNS = 10;

function workspace(): string {
  const root = mkdtempSync(join(tmpdir(), "bench-checkpoints-"));
  for (let i = 0; i < FILES; i++) {
    const dir = join(root, "src", `m${i % 20}`);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, `f${i}.ts`), `export const value${i} = ${i};\n${"// filler line\n".repeat(250)}`);
  }
  const deps = join(root, "node_modules", "dep");
  mkdirSync(deps, { recursive: true });
  for (let i = 0; i < DEPENDENCY_FILES; i++) writeFileSync(join(deps, `d${i}.js`), "module.exports = 1;\n");
  return root;
}

async function timed<T>(work: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const started = performance.now();
  const value = await work();
  return { ms: performance.now() - started, value };
}

export const checkpoints: Benchmark = {
  name: "checkpoints",
  title: "Checkpoints: snapshot and restore costs in the shadow git repository",
  timeLimitMs: 240_000,
  async run(): Promise<BenchReport> {
    const ws = workspace();
    const dataDir = mkdtempSync(join(tmpdir(), "bench-checkpoints-data-"));
    try {
      const store = CheckpointStore.forWorkspace({ dataDir, workspace: ws, sessionId: "bench-1" });
      const cold = await timed(() => store.snapshot("turn 1"));
      check(cold.value, `no checkpoint: ${JSON.stringify(store.state)}`);
      const unchanged: number[] = [];
      for (let i = 0; i < RUNS; i++) {
        const run = await timed(() => store.snapshot(`same ${i}`));
        check(run.value === cold.value, "an unchanged tree made a new checkpoint");
        unchanged.push(run.ms);
      }
      const oneChange: number[] = [];
      for (let i = 0; i < RUNS; i++) {
        writeFileSync(join(ws, "src", "m0", "f0.ts"), `export const value0 = ${i + 1};\n`);
        oneChange.push((await timed(() => store.snapshot(`changed ${i}`))).ms);
      }
      const seeded = CheckpointStore.forWorkspace({ dataDir, workspace: ws, sessionId: "bench-2" });
      const seededFirst = await timed(() => seeded.snapshot("turn 1"));
      const preview = await timed(() => store.changesSince(cold.value ?? ""));
      check(preview.value.changed.includes("src/m0/f0.ts"), "the preview missed the changed file");
      const restore = await timed(() => store.restore(cold.value ?? ""));
      check(
        readFileSync(join(ws, "src", "m0", "f0.ts"), "utf8").startsWith("export const value0 = 0;"),
        "not restored",
      );
      const warm = median(oneChange);
      return {
        tables: [
          {
            title: `Checkpoints (${FILES} files, 4 MB, plus ${DEPENDENCY_FILES} in node_modules left out; ms)`,
            columns: ["operation", "ms"],
            rows: [
              ["first snapshot of a session, nothing indexed yet (hashes every file)", ms(cold.ms)],
              ["first snapshot of a new session, index seeded from the last session's", ms(seededFirst.ms)],
              [`snapshot, nothing changed (median of ${RUNS})`, ms(median(unchanged))],
              [`snapshot after changing one file (median of ${RUNS})`, ms(warm)],
              ["preview: what changed since a checkpoint", ms(preview.ms)],
              ["restore to a checkpoint (one file)", ms(restore.ms)],
            ],
          },
        ],
        targets: [judge("checkpoint per turn, one file changed", warm, 250, `${ms(warm)} ms`, "< 250 ms")],
        notes: [
          "A turn's snapshot runs while the model answers its first request; only a tool call that comes back " +
            "before the snapshot is done waits for it.",
        ],
      };
    } finally {
      rmSync(ws, { recursive: true, force: true });
      rmSync(dataDir, { recursive: true, force: true });
    }
  },
};
