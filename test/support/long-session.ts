// A scripted model for long sessions: every request that offers no tools is a summary request and gets a
// structured summary; otherwise a user prompt "read <file>" gets a read_file call and its result an answer.
import type { RecordedRequest, ScriptedLlm, ScriptedReply } from "./scripted-llm.js";

export interface LongSessionScript {
  /** Summary requests seen, in order. */
  summaryRequests: RecordedRequest[];
  /** Requests of the conversation (tools offered), in order. */
  turnRequests: RecordedRequest[];
}

export interface LongSessionOptions {
  /** Replies queued (each decides from its request); unused ones stay queued. */
  replies?: number;
  /** The reply to summary request n (0-based); default: a structured summary naming n. */
  summary?: (n: number, request: RecordedRequest) => ScriptedReply;
}

/** The structured summary the scripted model writes for summary request `n`. */
export function scriptedSummary(n: number): string {
  return [
    "## Goal",
    `Read the numbered notes files and report on each (summary ${n}).`,
    "## Decisions",
    "Read each file with read_file; answer in one line.",
    "## Progress",
    `Summary ${n} covers the earlier turns.`,
    "## Open problems",
    "None.",
  ].join("\n");
}

/** Queues replies for a session of prompts like "read notes-3.txt". */
export function scriptLongSession(llm: ScriptedLlm, options: LongSessionOptions = {}): LongSessionScript {
  const script: LongSessionScript = { summaryRequests: [], turnRequests: [] };
  for (let i = 0; i < (options.replies ?? 400); i++) {
    llm.enqueue((request): ScriptedReply => {
      if (!request.body.tools?.length) {
        const n = script.summaryRequests.length;
        script.summaryRequests.push(request);
        return options.summary?.(n, request) ?? { text: scriptedSummary(n) };
      }
      script.turnRequests.push(request);
      const last = request.body.messages.at(-1);
      if (last?.role === "user") {
        const file = /read (\S+)/.exec(last.content ?? "")?.[1];
        if (file) return { toolCalls: [{ name: "read_file", arguments: { path: file } }] };
        return { text: `You said: ${last.content ?? ""}` };
      }
      const result = last?.content ?? "";
      return { text: `Read it: ${result.slice(0, 40)}` };
    });
  }
  return script;
}
