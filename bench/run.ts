// `npm run bench [-- name...]`: runs every benchmark (or the named ones) in sequence, each within its own
// time limit, and prints the machine, the command and Markdown tables ready for bench/README.md.
import { checkpoints } from "./checkpoints.js";
import { codeMode } from "./code-mode.js";
import { compaction } from "./compaction.js";
import { datetimeLoad } from "./datetime-load.js";
import { loopOverhead } from "./loop-overhead.js";
import { peerPi } from "./peer-pi.js";
import { promptFootprint } from "./prompt-footprint.js";
import { startup } from "./startup.js";
import { store } from "./store.js";
import { BenchCheckError, BenchTimeoutError, withDeadline } from "./support/bounded.js";
import { describeMachine, machineFacts } from "./support/machine.js";
import { type Benchmark, markdownTable, type TargetCheck } from "./support/report.js";
import { toolRoundTrip } from "./tool-round-trip.js";

const benchmarks: Benchmark[] = [
  loopOverhead,
  toolRoundTrip,
  startup,
  promptFootprint,
  datetimeLoad,
  peerPi,
  compaction,
  checkpoints,
  store,
  codeMode,
];

async function main(argv: string[]): Promise<number> {
  const unknown = argv.filter((name) => !benchmarks.some((bench) => bench.name === name));
  if (unknown.length > 0) {
    process.stderr.write(
      `Unknown benchmark ${unknown.join(", ")}; choose from ${benchmarks.map((b) => b.name).join(", ")}.\n`,
    );
    return 2;
  }
  const chosen = argv.length === 0 ? benchmarks : benchmarks.filter((bench) => argv.includes(bench.name));
  process.stdout.write(`## Run\n\n${describeMachine(machineFacts())}\n`);
  process.stdout.write(`- Command: npm run bench${argv.length ? ` -- ${argv.join(" ")}` : ""}\n\n`);
  const targets: TargetCheck[] = [];
  let failed = 0;
  for (const bench of chosen) {
    process.stderr.write(`bench: ${bench.name}: ${bench.title}\n`);
    const controller = new AbortController();
    const started = performance.now();
    try {
      const report = await withDeadline(bench.run(controller.signal), bench.timeLimitMs, bench.name, () =>
        controller.abort(),
      );
      for (const table of report.tables) process.stdout.write(`${markdownTable(table)}\n\n`);
      for (const note of report.notes) process.stdout.write(`${note}\n\n`);
      targets.push(...report.targets);
    } catch (error) {
      failed++;
      const expected = BenchCheckError.isInstance(error) || BenchTimeoutError.isInstance(error);
      const message =
        error instanceof Error ? (expected ? error.message : (error.stack ?? error.message)) : String(error);
      process.stdout.write(`### ${bench.title}\n\nFAILED: ${message}\n\n`);
    }
    process.stderr.write(
      `bench: ${bench.name} took ${((performance.now() - started) / 1000).toFixed(1)} s\n`,
    );
  }
  if (targets.length > 0) {
    const rows = targets.map((t) => [t.label, t.measured, t.target, t.verdict]);
    process.stdout.write(
      `${markdownTable({ title: "Targets", columns: ["target", "measured", "goal", "verdict"], rows })}\n`,
    );
  }
  return failed > 0 ? 1 : 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(
      `bench: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exit(1);
  },
);
