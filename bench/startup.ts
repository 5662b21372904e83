// Benchmark 3, start-up: `agent -p` from spawn to its first LLM request (built and from source), beside the
// floor of starting node at all; `docker compose run agent` to the prompt when the compose stack exists.
import { requireBuild } from "./support/agent-process.js";
import { check, timeEach } from "./support/bounded.js";
import { composeStartupTimes, composeUnavailable } from "./support/compose-startup.js";
import { exitsZero } from "./support/docker-box.js";
import { oneShot } from "./support/one-shot.js";
import type { Benchmark, BenchReport } from "./support/report.js";
import { judge } from "./support/report.js";
import { median, ms, percentile } from "./support/stats.js";

const BUILT_RUNS = 9;
const SOURCE_RUNS = 5;
const COMPOSE_RUNS = 3;

async function firstRequestTimes(build: "built" | "source", runs: number): Promise<number[]> {
  const times: number[] = [];
  const end = performance.now() + 90_000;
  for (let i = 0; i < runs && performance.now() < end; i++) times.push((await oneShot(build)).firstRequestMs);
  return times;
}

export const startup: Benchmark = {
  name: "startup",
  title: "Start-up: agent -p to the first LLM request",
  timeLimitMs: 420_000,
  async run(): Promise<BenchReport> {
    requireBuild();
    await oneShot("built"); // warm the page cache
    const floor = await timeEach(BUILT_RUNS, 30_000, () => exitsZero(process.execPath, ["-e", ""]), 1);
    const built = await firstRequestTimes("built", BUILT_RUNS);
    const source = await firstRequestTimes("source", SOURCE_RUNS);
    check(built.length >= 3 && source.length >= 2, "too few start-up runs fit in the time budget");
    const builtMedian = median(built);
    const composeMissing = await composeUnavailable();
    const compose = composeMissing ? [] : await composeStartupTimes(COMPOSE_RUNS);
    const composeMedian = median(compose);
    return {
      tables: [
        {
          title: "Start-up, ms (spawn to the first LLM request; local sandbox)",
          columns: ["what", "median", "p99 (max)", "runs"],
          rows: [
            [
              "node -e '' (floor: spawn node to exit)",
              ms(median(floor)),
              ms(percentile(floor, 99)),
              String(floor.length),
            ],
            [
              "agent -p, built (node agent/dist/main.js)",
              ms(builtMedian),
              ms(percentile(built, 99)),
              String(built.length),
            ],
            [
              "agent -p, from source (tsx)",
              ms(median(source)),
              ms(percentile(source, 99)),
              String(source.length),
            ],
          ],
        },
      ],
      targets: [
        judge(
          "start-up agent -p to first LLM request, local, built",
          builtMedian,
          400,
          `${ms(builtMedian)} ms`,
          "< 400 ms",
        ),
        judge(
          "start-up docker compose run agent to the prompt",
          composeMedian,
          2000,
          `${ms(composeMedian)} ms`,
          "< 2 s",
        ),
      ],
      notes: composeMissing ? [`docker compose run agent not measured: ${composeMissing}.`] : [],
    };
  },
};
