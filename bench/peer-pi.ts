// Benchmark 6, peer: the same scripted sessions through pi (custom OpenAI-compatible provider at the same
// scripted server) and through our built agent, interleaved in one run: start-up, per-step, first request.

import { ScriptedLlm } from "../test/support/scripted-llm.js";
import { ourReadDialect, startOurs } from "./loop-overhead.js";
import { footprintOf } from "./prompt-footprint.js";
import { requireBuild } from "./support/agent-process.js";
import { check } from "./support/bounded.js";
import { oneShot } from "./support/one-shot.js";
import { ensurePi, PI_PACKAGE, PI_VERSION, piReadDialect, startPi } from "./support/pi-peer.js";
import type { Benchmark, BenchReport } from "./support/report.js";
import { runReadSession, type SessionFigures } from "./support/run-read-session.js";
import { median, mib, ms, ratio } from "./support/stats.js";

const STEPS = 100;
const RUNS = 3;

const startPiCli = (task: string, options: { baseURL: string; workspace: string }) =>
  startPi(task, { ...options, timeoutMs: 90_000 });

/** pi's first request for a one-line task (pi answers the scripted text and exits). */
async function piFirstRequest() {
  const llm = await ScriptedLlm.start();
  try {
    llm.enqueue({ text: "ok" });
    const pi = startPi("say hello", { baseURL: llm.baseURL, workspace: process.cwd(), timeoutMs: 30_000 });
    const result = await pi.done;
    const request = llm.requests[0];
    check(result.code === 0 && request, `pi exited ${result.code}: ${result.stderr.slice(-300)}`);
    return request;
  } finally {
    await llm.close();
  }
}

export const peerPi: Benchmark = {
  name: "peer",
  title: `Peer: pi (${PI_PACKAGE}@${PI_VERSION}) beside ours, same scripted sessions`,
  timeLimitMs: 420_000,
  async run(): Promise<BenchReport> {
    requireBuild();
    ensurePi();
    // Warm both (page cache, pi's first-run files), then interleave runs so load drifts hit both alike.
    await runReadSession(startOurs, ourReadDialect, 5);
    await runReadSession(startPiCli, piReadDialect, 5);
    const ours: SessionFigures[] = [];
    const pi: SessionFigures[] = [];
    const end = performance.now() + 300_000;
    for (let i = 0; i < RUNS && performance.now() < end; i++) {
      ours.push(await runReadSession(startOurs, ourReadDialect, STEPS));
      pi.push(await runReadSession(startPiCli, piReadDialect, STEPS));
    }
    check(ours.length >= 2, "too few peer runs fit in the time budget");
    const oursFootprint = footprintOf((await oneShot("built")).request);
    const piFootprint = footprintOf(await piFirstRequest());
    const figure = (runs: SessionFigures[], pick: (run: SessionFigures) => number) => median(runs.map(pick));
    const rows = [
      ["start-up: spawn to first LLM request, ms", ms, (r: SessionFigures) => r.firstRequestMs],
      ["per-step overhead, ms (median of run medians)", ms, (r: SessionFigures) => median(r.steps)],
    ] as const;
    const oursStart = figure(ours, (r) => r.firstRequestMs);
    const piStart = figure(pi, (r) => r.firstRequestMs);
    const oursStep = figure(ours, (r) => median(r.steps));
    const piStep = figure(pi, (r) => median(r.steps));
    return {
      tables: [
        {
          title: `Peer comparison (${ours.length} interleaved runs × ${STEPS} read steps each; built agent, local sandbox)`,
          columns: ["figure", "ours", "pi", "ours / pi"],
          rows: [
            ...rows.map(([label, format, pick]) => {
              const a = figure(ours, pick);
              const b = figure(pi, pick);
              return [label, format(a), format(b), ratio(a / b)];
            }),
            [
              "peak RSS of the agent process",
              mib(figure(ours, (r) => r.agentPeakKib)),
              mib(figure(pi, (r) => r.agentPeakKib)),
              ratio(figure(ours, (r) => r.agentPeakKib) / figure(pi, (r) => r.agentPeakKib)),
            ],
            ["peak RSS of the toolhost (pi has none)", mib(figure(ours, (r) => r.childPeakKib)), "–", "–"],
            [
              "first request: system prompt + tool schemas, o200k tokens",
              String(oursFootprint.totalTokens),
              String(piFootprint.totalTokens),
              ratio(oursFootprint.totalTokens / piFootprint.totalTokens),
            ],
            [
              "first request: tools offered",
              String(oursFootprint.toolTokens.length),
              String(piFootprint.toolTokens.length),
              "–",
            ],
            [
              "first request: body bytes",
              String(oursFootprint.requestBytes),
              String(piFootprint.requestBytes),
              ratio(oursFootprint.requestBytes / piFootprint.requestBytes),
            ],
          ],
        },
      ],
      targets: [],
      notes: [
        `Ratios are ours / pi in the same run (start-up ${ratio(oursStart / piStart)}, per step ` +
          `${ratio(oursStep / piStep)}). pi runs in print mode with --no-session and no discovery (extensions, ` +
          "skills, prompt templates, themes, context files), offline, with its four default tools.",
      ],
    };
  },
};
