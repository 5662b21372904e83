// Serves code mode's calls from run_code: the toolhost asks the hub to run a tool or skill for the code, and
// this runs it through the same ToolSource the model's calls go through (spill scrubbing, .git guard, skill
// approvals), scrubs the result, caps how many run at once, and refuses run_code itself (no recursion).

import {
  CODE_CALL_CAPABILITY,
  CODE_CALL_METHOD,
  type CodeCallParams,
  type CodeCallResult,
  codeCallParamsSchema,
  RUN_CODE,
} from "@ts-coding-agent/toolhost";
import type { ClientRequestHandler } from "../hub/client-request-handler.js";
import type { ToolResult, ToolSource } from "../loop/tools.js";
import { RUN_SKILL } from "../skills/skill-tool.js";

/** Calls from code that run at once, across every run_code (the loop's own cap for one response). */
export const DEFAULT_MAX_CONCURRENT_CODE_CALLS = 8;

export interface CodeCallOptions {
  /** The tools as the model's calls reach them (not filtered by TOOL_MODE): the hub behind its decorators. */
  tools: ToolSource;
  /** Removes secrets from every result before it reaches the sandbox. */
  scrub: (text: string) => string;
  /** Default DEFAULT_MAX_CONCURRENT_CODE_CALLS. */
  maxConcurrent?: number;
}

/** A counting semaphore: at most `limit` holders at once, the rest wait in order. */
class Slots {
  private free: number;
  private readonly waiting: Array<() => void> = [];
  constructor(limit: number) {
    this.free = limit;
  }
  async run<T>(work: () => Promise<T>): Promise<T> {
    if (this.free > 0) this.free--;
    else await new Promise<void>((resolve) => this.waiting.push(resolve));
    try {
      return await work();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.free++;
    }
  }
}

function refused(text: string): CodeCallResult {
  return { text, isError: true };
}

async function run(call: CodeCallParams, tools: ToolSource, signal: AbortSignal): Promise<ToolResult> {
  if (call.kind === "skill") {
    return tools.callTool(RUN_SKILL, { name: call.name, args: call.arguments }, { signal });
  }
  if (call.name === RUN_CODE) {
    return refused("run_code cannot be called from code: write the code inline instead.");
  }
  if (call.name === RUN_SKILL) {
    return refused("Call skills as skills.<name>(args), not through tools.run_skill.");
  }
  return tools.callTool(call.name, call.arguments, { signal });
}

/** The hub's handler for CODE_CALL_METHOD. Never throws for a failing call: the code gets a rejection. */
export function createCodeCallHandler(options: CodeCallOptions): ClientRequestHandler {
  const slots = new Slots(options.maxConcurrent ?? DEFAULT_MAX_CONCURRENT_CODE_CALLS);
  return {
    method: CODE_CALL_METHOD,
    capability: CODE_CALL_CAPABILITY,
    async handle(params, signal) {
      const parsed = codeCallParamsSchema.safeParse(params);
      if (!parsed.success) return refused("A call from code had malformed parameters.");
      const call = parsed.data;
      let result: ToolResult;
      try {
        result = await slots.run(() => run(call, options.tools, signal));
      } catch (error) {
        // The loop does the same for the model's calls: a throw (unknown tool, timeout) is an error result.
        result = refused(error instanceof Error ? error.message : String(error));
      }
      return { text: options.scrub(result.text), isError: result.isError } satisfies CodeCallResult;
    },
  };
}
