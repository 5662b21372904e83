// Benchmark 1, loop overhead: the built agent runs a 100-step session of read_file calls against a scripted
// LLM that answers at once; per step we keep the agent's own time (server time subtracted) and peak RSS.
import { rmSync } from "node:fs";
import { ScriptedLlm } from "../test/support/scripted-llm.js";
import { requireBuild, startAgent } from "./support/agent-process.js";
import { check, repeat, withDeadline } from "./support/bounded.js";
import { childPids, peakRssKib } from "./support/proc.js";
import type { Benchmark, BenchReport } from "./support/report.js";
import { judge } from "./support/report.js";
import {
  enqueueReadSession,
  FINAL_ANSWER,
  makeReadWorkspace,
  type SessionCheck,
  stepOverheads,
} from "./support/scripted-session.js";
import { median, mib, ms, percentile } from "./support/stats.js";

const STEPS = 100;
const RUNS = 5;

/** Our read tool: a different line window each step, so the repeat guard never fires. */
export const ourReadDialect = {
  toolName: "read_file",
  args: (step: number) => ({ path: "small.txt", offset: 1 + (step % 5), limit: 10 }),
};

/** One session's figures. */
export interface SessionFigures {
  /** Per-step overheads in ms (agent time only). */
  steps: number[];
  /** Peak RSS of the agent process, KiB, read just before it exits. */
  agentPeakKib: number;
  /** Peak RSS of its toolhost child, KiB. */
  toolhostPeakKib: number;
}

/** Runs one scripted session of `steps` reads through the built agent with the local sandbox. */
export async function runOurSession(steps: number): Promise<SessionFigures> {
  const llm = await ScriptedLlm.start();
  const workspace = makeReadWorkspace();
  const session: SessionCheck = { missingResults: 0 };
  let agentPeakKib = Number.NaN;
  let toolhostPeakKib = Number.NaN;
  try {
    const agent = startAgent("read small.txt repeatedly", {
      build: "built",
      baseURL: llm.baseURL,
      workspace: workspace.dir,
      args: ["--max-steps", String(steps + 10)],
      timeoutMs: 60_000,
    });
    session.onFinalRequest = () => {
      const pid = agent.child.pid ?? -1;
      agentPeakKib = peakRssKib(pid);
      const peaks = childPids(pid)
        .map(peakRssKib)
        .filter((kib) => Number.isFinite(kib));
      toolhostPeakKib = peaks.length > 0 ? Math.max(...peaks) : Number.NaN;
    };
    enqueueReadSession(llm, steps, ourReadDialect, workspace, session);
    const result = await withDeadline(agent.done, 70_000, "a 100-step agent session");
    check(result.code === 0, `the agent exited ${result.code}: ${result.stderr.slice(-500)}`);
    check(result.stdout.includes(FINAL_ANSWER), "the agent did not print the final answer");
    check(
      llm.requests.length === steps + 1,
      `expected ${steps + 1} LLM requests, saw ${llm.requests.length}`,
    );
    check(llm.unexpected === 0 && llm.pending === 0, "the scripted server's queue did not end exactly");
    check(session.missingResults === 0, `${session.missingResults} tool results never reached the model`);
    return { steps: stepOverheads(llm.requests), agentPeakKib, toolhostPeakKib };
  } finally {
    await llm.close();
    rmSync(workspace.dir, { recursive: true, force: true });
  }
}

export const loopOverhead: Benchmark = {
  name: "loop",
  title: "Loop overhead: 100 read_file steps, scripted LLM answering at once",
  timeLimitMs: 240_000,
  async run(): Promise<BenchReport> {
    requireBuild();
    await runOurSession(10); // warm the file cache and the JIT of the shared parts
    const runs = await repeat(RUNS, 180_000, () => runOurSession(STEPS));
    check(runs.length >= 3, `only ${runs.length} runs fit in the time budget`);
    const perRun = runs.map((run) => median(run.steps));
    const all = runs.flatMap((run) => run.steps);
    const perStep = median(perRun);
    const agentPeak = median(runs.map((run) => run.agentPeakKib));
    const toolhostPeak = median(runs.map((run) => run.toolhostPeakKib));
    return {
      tables: [
        {
          title: `Loop overhead, local sandbox (${runs.length} runs × ${STEPS} steps, built agent)`,
          columns: ["figure", "value"],
          rows: [
            ["median ms per step (median of run medians)", ms(perStep)],
            ["run medians, ms", perRun.map(ms).join(", ")],
            ["p99 ms per step (all steps)", ms(percentile(all, 99))],
            ["agent peak RSS (VmHWM)", mib(agentPeak)],
            ["toolhost peak RSS (VmHWM)", mib(toolhostPeak)],
          ],
        },
      ],
      targets: [
        judge("loop overhead per step, local", perStep, 3, `${ms(perStep)} ms`, "< 3 ms"),
        {
          label: "loop overhead per step, Docker",
          measured: "n/a",
          target: "< 6 ms",
          verdict: "not measured",
        },
      ],
      notes: [
        "Per step = arrival of LLM request n+1 minus arrival of request n, minus the scripted server's own " +
          "handling of request n: the agent's stream parsing, loop, tool round trip and next request.",
      ],
    };
  },
};
