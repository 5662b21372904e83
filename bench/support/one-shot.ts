// One `agent -p` task against a scripted LLM that answers at once with text: when the first LLM request
// arrived after the spawn, the request itself, and how the process ended. Start-up and footprint use it.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type RecordedRequest, ScriptedLlm } from "../../test/support/scripted-llm.js";
import { type AgentBuild, startAgent } from "./agent-process.js";
import { check, withDeadline } from "./bounded.js";

export interface OneShot {
  /** Spawn to the first LLM request's arrival, ms. */
  firstRequestMs: number;
  /** Spawn to process exit, ms. */
  exitMs: number;
  /** The first request as the server recorded it. */
  request: RecordedRequest;
}

export const ONE_SHOT_ANSWER = "one-shot answer";

export async function oneShot(build: AgentBuild): Promise<OneShot> {
  const llm = await ScriptedLlm.start();
  const workspace = mkdtempSync(join(tmpdir(), "bench-start-"));
  try {
    llm.enqueue({ text: ONE_SHOT_ANSWER });
    const agent = startAgent("say hello", { build, baseURL: llm.baseURL, workspace, timeoutMs: 30_000 });
    const result = await withDeadline(agent.done, 35_000, "an agent -p run");
    const exitMs = performance.now() - agent.spawnedAt;
    check(result.code === 0, `the agent exited ${result.code}: ${result.stderr.slice(-500)}`);
    check(result.stdout.includes(ONE_SHOT_ANSWER), "the agent did not print the scripted answer");
    const request = llm.requests[0];
    check(llm.requests.length === 1 && request, `expected 1 LLM request, saw ${llm.requests.length}`);
    return { firstRequestMs: request.receivedAt - agent.spawnedAt, exitMs, request };
  } finally {
    await llm.close();
    rmSync(workspace, { recursive: true, force: true });
  }
}
