// A scripted coding session for any agent: N read calls on a small file, then a final answer, with checks
// that each tool result reached the model, and the per-step overhead computed from the server's own clock.
import { chmodSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { RecordedRequest, ScriptedLlm } from "../../test/support/scripted-llm.js";

/** How one agent names its read tool and its arguments. */
export interface ReadToolDialect {
  /** Tool name the agent exposes (ours: read_file; pi: read). */
  toolName: string;
  /** Arguments for step i; they differ from step to step so no repeat guard fires. */
  args: (step: number) => Record<string, unknown>;
}

/** The workspace the session reads from: a small text file whose every line carries a marker. */
export interface ReadWorkspace {
  dir: string;
  /** Name of the small file, relative to dir. */
  file: string;
  /** Text that appears on every line, so any read of it shows up in the tool result. */
  marker: string;
}

export const FINAL_ANSWER = "bench session done";

export function makeReadWorkspace(prefix = "bench-ws-"): ReadWorkspace {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const marker = "bench-marker-7f3a";
  const lines = Array.from({ length: 20 }, (_, i) => `line ${i + 1} ${marker} lorem ipsum dolor sit amet`);
  writeFileSync(join(dir, "small.txt"), `${lines.join("\n")}\n`);
  // The Docker sandbox runs as an unprivileged user when the workspace belongs to root: let it in.
  chmodSync(dir, 0o777);
  return { dir, file: "small.txt", marker };
}

/** What the scripted server saw, filled in while the session runs. */
export interface SessionCheck {
  /** Steps whose previous tool result did not reach the model (should stay 0). */
  missingResults: number;
  /** Runs once, when the final request arrives (the agent is alive and waiting): e.g. read its peak RSS. */
  onFinalRequest?: () => void;
}

/**
 * Queues `steps` tool-call replies then a final answer. Every reply after the first checks that the request
 * carries the previous step's tool result (the marker in the last message).
 */
export function enqueueReadSession(
  llm: ScriptedLlm,
  steps: number,
  dialect: ReadToolDialect,
  workspace: ReadWorkspace,
  check: SessionCheck,
): void {
  const sawResult = (request: RecordedRequest) => {
    const last = request.body.messages.at(-1);
    return last?.role === "tool" && JSON.stringify(last).includes(workspace.marker);
  };
  for (let i = 0; i < steps; i++) {
    llm.enqueue((request) => {
      if (i > 0 && !sawResult(request)) check.missingResults++;
      return { toolCalls: [{ id: `call_${i}`, name: dialect.toolName, arguments: dialect.args(i) }] };
    });
  }
  llm.enqueue((request) => {
    if (steps > 0 && !sawResult(request)) check.missingResults++;
    check.onFinalRequest?.();
    return { text: FINAL_ANSWER };
  });
}

/**
 * Per-step overhead in ms: from one request's arrival to the next one's, minus the server's own handling
 * of the first (so what remains is the agent: parse, loop, tool round trip, build the next request).
 */
export function stepOverheads(requests: readonly RecordedRequest[]): number[] {
  const gaps: number[] = [];
  for (let i = 0; i + 1 < requests.length; i++) {
    const current = requests[i];
    const next = requests[i + 1];
    if (!current || !next || current.handledMs === undefined) continue;
    gaps.push(next.receivedAt - current.receivedAt - current.handledMs);
  }
  return gaps;
}

/** Total server handling time over all requests, in ms. */
export function serverTimeMs(requests: readonly RecordedRequest[]): number {
  return requests.reduce((sum, request) => sum + (request.handledMs ?? 0), 0);
}
