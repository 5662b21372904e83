// `agent -p "task"`: one task, the final answer on stdout and activity on stderr, or with --json one event
// per line on stdout. The exit code says how the turn ended (DESIGN §3).
import type { Writable } from "node:stream";
import type { AgentSession } from "../agent-session.js";
import { type Scrubber, StreamScrubber } from "../keys/stream-scrubber.js";
import type { AgentEvent, StopReason } from "../loop/events.js";
import { createRenderer } from "./render.js";
import type { Terminal } from "./terminal.js";

export const exitCodes: Record<StopReason, number> = {
  done: 0,
  llm_error: 1,
  sandbox_error: 1,
  max_steps: 3,
  repeated_calls: 3,
  aborted: 130,
};

export interface PrintModeOptions {
  session: AgentSession;
  term: Terminal;
  task: string;
  json: boolean;
  stdout: Writable;
  secrets: Scrubber;
}

export async function runPrintMode(options: PrintModeOptions): Promise<number> {
  const { session, term, task, json } = options;
  const controller = new AbortController();
  const onInterrupt = () => controller.abort();
  process.on("SIGINT", onInterrupt);
  process.on("SIGTERM", onInterrupt);
  const writeJson = (value: unknown) =>
    options.stdout.write(`${options.secrets.scrub(JSON.stringify(value))}\n`);
  const emit = json ? jsonEvents(writeJson, options.secrets) : createRenderer(term, { mode: "print" });
  try {
    const result = await session.prompt(task, controller.signal, emit);
    const exitCode = exitCodes[result.reason];
    if (json) {
      writeJson({
        type: "result",
        reason: result.reason,
        text: result.text,
        steps: result.steps,
        usage: session.usage,
        ...(session.context ? { context: session.context } : {}),
        exitCode,
        sessionId: session.sessionId,
      });
    } else if (result.text) {
      term.line(result.text);
    }
    return exitCode;
  } finally {
    process.off("SIGINT", onInterrupt);
    process.off("SIGTERM", onInterrupt);
  }
}

/**
 * One JSON line per event. Text and reasoning deltas pass through stream scrubbers, so a key split across two
 * deltas is still caught: a possible key's start waits for the next delta, and is released before any other event.
 */
function jsonEvents(writeJson: (value: unknown) => void, secrets: Scrubber): (event: AgentEvent) => void {
  const streams = {
    text_delta: new StreamScrubber(secrets),
    reasoning_delta: new StreamScrubber(secrets),
  };
  const flush = () => {
    for (const [type, scrubber] of Object.entries(streams)) {
      const held = scrubber.flush();
      if (held) writeJson({ type, text: held });
    }
  };
  return (event) => {
    if (event.type === "text_delta" || event.type === "reasoning_delta") {
      const safe = streams[event.type].push(event.text);
      if (safe) writeJson({ ...event, text: safe });
      return;
    }
    flush();
    writeJson(event);
  };
}
