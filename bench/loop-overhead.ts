// Benchmark 1, loop overhead: the built agent runs a 100-step session of read_file calls against a scripted
// LLM that answers at once; per step we keep the agent's own time (server time subtracted) and peak RSS.
import { requireBuild, startAgent } from "./support/agent-process.js";
import { check, repeat } from "./support/bounded.js";
import { dockerSandboxReady, SANDBOX_IMAGE } from "./support/docker-sandbox.js";
import type { Benchmark, BenchReport } from "./support/report.js";
import { judge } from "./support/report.js";
import { runReadSession, type SessionFigures, type StartCli } from "./support/run-read-session.js";
import { median, mib, ms, percentile } from "./support/stats.js";

const STEPS = 100;
const RUNS = 5;
const DOCKER_RUNS = 3;

/** Our read tool: a different line window each step, so the repeat guard never fires. */
export const ourReadDialect = {
  toolName: "read_file",
  args: (step: number) => ({ path: "small.txt", offset: 1 + (step % 5), limit: 10 }),
};

/** Our built agent, local sandbox, enough --max-steps for the session. */
export const startOurs: StartCli = (task, { baseURL, workspace }) =>
  startAgent(task, { build: "built", baseURL, workspace, args: ["--max-steps", "1000"], timeoutMs: 90_000 });

/** Our built agent with the Docker sandbox on the local agent image. */
export const startOursDocker: StartCli = (task, { baseURL, workspace }) =>
  startAgent(task, {
    build: "built",
    baseURL,
    workspace,
    args: ["--max-steps", "1000"],
    timeoutMs: 90_000,
    sandbox: "docker",
    env: { SANDBOX_IMAGE },
  });

/** Runs one scripted session of `steps` reads through the built agent with the local sandbox. */
export function runOurSession(steps: number): Promise<SessionFigures> {
  return runReadSession(startOurs, ourReadDialect, steps);
}

export const loopOverhead: Benchmark = {
  name: "loop",
  title: "Loop overhead: 100 read_file steps, scripted LLM answering at once",
  timeLimitMs: 420_000,
  async run(): Promise<BenchReport> {
    requireBuild();
    await runOurSession(10); // warm the file cache and the JIT of the shared parts
    const runs = await repeat(RUNS, 180_000, () => runOurSession(STEPS));
    check(runs.length >= 3, `only ${runs.length} runs fit in the time budget`);
    const perRun = runs.map((run) => median(run.steps));
    const all = runs.flatMap((run) => run.steps);
    const perStep = median(perRun);
    const agentPeak = median(runs.map((run) => run.agentPeakKib));
    const toolhostPeak = median(runs.map((run) => run.childPeakKib));
    const docker = (await dockerSandboxReady())
      ? await repeat(DOCKER_RUNS, 150_000, () => runReadSession(startOursDocker, ourReadDialect, STEPS))
      : [];
    const dockerPerRun = docker.map((run) => median(run.steps));
    const dockerPerStep = median(dockerPerRun);
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
        {
          title: `Loop overhead, Docker sandbox (${docker.length} runs × ${STEPS} steps, built agent on the host)`,
          columns: ["figure", "value"],
          rows: [
            ["median ms per step (median of run medians)", ms(dockerPerStep)],
            ["run medians, ms", dockerPerRun.map(ms).join(", ") || "not measured (no agent image)"],
            [
              "p99 ms per step (all steps)",
              ms(
                percentile(
                  docker.flatMap((run) => run.steps),
                  99,
                ),
              ),
            ],
            ["agent peak RSS (VmHWM)", mib(median(docker.map((run) => run.agentPeakKib)))],
          ],
        },
      ],
      targets: [
        judge("loop overhead per step, local", perStep, 3, `${ms(perStep)} ms`, "< 3 ms"),
        judge("loop overhead per step, Docker", dockerPerStep, 6, `${ms(dockerPerStep)} ms`, "< 6 ms"),
      ],
      notes: [
        "Per step = arrival of LLM request n+1 minus arrival of request n, minus the scripted server's own " +
          "handling of request n: the agent's stream parsing, loop, tool round trip and next request.",
      ],
    };
  },
};
