// Builds the ctx a skill's run() gets: tools restricted to allowed_tools, the session's current model for
// one-shot requests and nested agent loops (same step cap and guards), a logger, the dry-run flag and a signal.

import { unifiedDiff } from "@ts-coding-agent/toolhost";
import type { ChatModel } from "../llm/client.js";
import type { ChatMessage } from "../llm/messages.js";
import { AgentLoop, parseArguments } from "../loop/agent-loop.js";
import { History } from "../loop/history.js";
import type { ToolSource } from "../loop/tools.js";
import { RestrictedTools } from "./restricted-tools.js";
import { compareTestRuns, detectTestCommand, runTests } from "./run-tests.js";
import type {
  SkillAgentResult,
  SkillCompleteRequest,
  SkillCompletion,
  SkillContext,
  SkillTool,
  SkillTools,
} from "./skill-api.js";

export interface SkillContextOptions {
  /** The skill's name. */
  skill: string;
  /** Its allowed_tools. */
  allowedTools: readonly string[];
  /** The tools underneath (already the dry-run view in a dry run). */
  tools: ToolSource;
  /** The session's current model. */
  model: () => ChatModel;
  dryRun: boolean;
  signal: AbortSignal;
  /** Step cap of nested loops (the session's). */
  maxSteps: number;
  /** History budget of nested loops. */
  historyBudgetTokens?: number | undefined;
  workspaceRoot: string;
  /** Removes secrets from tool results before the model sees them. */
  scrub: (text: string) => string;
  /** Progress lines for the user. */
  log: (message: string) => void;
  /** Streamed tool output (shell), shown to the user. */
  onProgress?: (chunk: string) => void;
}

export function createSkillContext(options: SkillContextOptions): SkillContext {
  const restricted = new RestrictedTools(options.tools, options.skill, options.allowedTools);
  const callOptions = {
    signal: options.signal,
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
  };
  const call = (name: string, args: Record<string, unknown> = {}) =>
    restricted.callTool(name, args, callOptions);
  const tools = new Proxy({} as SkillTools, {
    get(_target, property): SkillTool | SkillTools["call"] | undefined {
      // Not a tool: symbols, and `then` (so awaiting ctx.tools by mistake does not call a tool named then).
      if (typeof property !== "string" || property === "then") return undefined;
      if (property === "call") return call;
      return (args: Record<string, unknown> = {}) => call(property, args);
    },
  });

  const complete = async (request: SkillCompleteRequest | string): Promise<SkillCompletion> => {
    const {
      system,
      prompt,
      tools: wanted = [],
    } = typeof request === "string" ? { prompt: request } : request;
    const offered = wanted.length ? await restricted.narrow(wanted).listTools(options.signal) : [];
    const messages: ChatMessage[] = [
      ...(system ? [{ role: "system" as const, content: system }] : []),
      { role: "user", content: prompt },
    ];
    const response = await options.model().chat({ messages, tools: offered, signal: options.signal });
    return {
      text: response.text,
      toolCalls: response.toolCalls.map((call) => {
        const parsed = parseArguments(call);
        return parsed.ok
          ? { name: call.function.name, args: parsed.value }
          : { name: call.function.name, args: {}, error: parsed.error };
      }),
    };
  };

  const runAgent = async (
    prompt: string,
    agentOptions: { tools?: string[]; maxSteps?: number; system?: string } = {},
  ): Promise<SkillAgentResult> => {
    const source = agentOptions.tools ? restricted.narrow(agentOptions.tools) : restricted;
    const loop = new AgentLoop({
      model: options.model,
      tools: source,
      history: new History({ budgetTokens: options.historyBudgetTokens }),
      workspaceRoot: options.workspaceRoot,
      maxSteps: Math.max(1, Math.min(agentOptions.maxSteps ?? options.maxSteps, options.maxSteps)),
      scrub: options.scrub,
      ...(agentOptions.system ? { promptSections: () => [agentOptions.system ?? ""] } : {}),
    });
    const result = await loop.runTurn(prompt, {
      signal: options.signal,
      emit: (event) => {
        if (event.type === "tool_start") options.log(`  ${event.name}`);
      },
    });
    return { text: result.text || result.message || "", reason: result.reason, steps: result.steps };
  };

  return {
    skill: options.skill,
    tools,
    llm: { complete, runAgent },
    log: options.log,
    dryRun: options.dryRun,
    signal: options.signal,
    diff: (path, before, after) => unifiedDiff(path, before, after, 200),
    detectTestCommand: () => detectTestCommand(call),
    runTests: (command) => runTests(call, options.allowedTools.includes("read_file"), command),
    compareTestRuns: async (before, after) => compareTestRuns(before, after),
    shellQuote,
  };
}

function shellQuote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}
