// Runs one scripted read session through any agent CLI (ours or pi) and checks it really happened: every
// request answered from the script, every tool result seen by the model, the final answer printed.
import { rmSync } from "node:fs";
import { ScriptedLlm } from "../../test/support/scripted-llm.js";
import type { AgentProcess } from "./agent-process.js";
import { check, withDeadline } from "./bounded.js";
import { childPids, peakRssKib } from "./proc.js";
import {
  enqueueReadSession,
  FINAL_ANSWER,
  makeReadWorkspace,
  type ReadToolDialect,
  type SessionCheck,
  stepOverheads,
} from "./scripted-session.js";

/** Starts an agent on a task against a scripted server in a workspace. */
export type StartCli = (task: string, options: { baseURL: string; workspace: string }) => AgentProcess;

/** One session's figures. */
export interface SessionFigures {
  /** Per-step overheads in ms (agent time only). */
  steps: number[];
  /** Spawn to the first LLM request, ms. */
  firstRequestMs: number;
  /** Peak RSS of the agent process, KiB, read while it waits for the final answer. */
  agentPeakKib: number;
  /** Highest peak RSS among its child processes (our toolhost), KiB; NaN when it has none. */
  childPeakKib: number;
}

export async function runReadSession(
  start: StartCli,
  dialect: ReadToolDialect,
  steps: number,
): Promise<SessionFigures> {
  const llm = await ScriptedLlm.start();
  const workspace = makeReadWorkspace();
  const session: SessionCheck = { missingResults: 0 };
  let agentPeakKib = Number.NaN;
  let childPeakKib = Number.NaN;
  try {
    const agent = start(`read ${workspace.file} repeatedly`, {
      baseURL: llm.baseURL,
      workspace: workspace.dir,
    });
    session.onFinalRequest = () => {
      const pid = agent.child.pid ?? -1;
      agentPeakKib = peakRssKib(pid);
      const peaks = childPids(pid)
        .map(peakRssKib)
        .filter((kib) => Number.isFinite(kib));
      childPeakKib = peaks.length > 0 ? Math.max(...peaks) : Number.NaN;
    };
    enqueueReadSession(llm, steps, dialect, workspace, session);
    const result = await withDeadline(agent.done, 90_000, `a ${steps}-step session`);
    check(result.code === 0, `the agent exited ${result.code}: ${result.stderr.slice(-500)}`);
    check(result.stdout.includes(FINAL_ANSWER), "the agent did not print the final answer");
    check(
      llm.requests.length === steps + 1,
      `expected ${steps + 1} LLM requests, saw ${llm.requests.length}`,
    );
    check(llm.unexpected === 0 && llm.pending === 0, "the scripted server's queue did not end exactly");
    check(session.missingResults === 0, `${session.missingResults} tool results never reached the model`);
    const first = llm.requests[0];
    check(first, "no LLM request");
    return {
      steps: stepOverheads(llm.requests),
      firstRequestMs: first.receivedAt - agent.spawnedAt,
      agentPeakKib,
      childPeakKib,
    };
  } finally {
    await llm.close();
    rmSync(workspace.dir, { recursive: true, force: true });
  }
}
