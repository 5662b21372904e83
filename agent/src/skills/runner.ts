// Runs one approved skill: parse its arguments, build ctx (the dry-run view when asked), call run(), turn a
// throw into a failed outcome, add the dry run's diff, and log skill, args, duration and outcome to the session.
import type { ChatModel } from "../llm/client.js";
import type { ToolSource } from "../loop/tools.js";
import type { NodeProgramRunner } from "../sandbox/node-program.js";
import { coerceSkillArgs, type ParsedSkillArgs, parseSkillArgs } from "./args.js";
import { DryRunTools, type PlannedChange } from "./dry-run-tools.js";
import type { SkillRegistry } from "./registry.js";
import type { SkillResult } from "./skill-api.js";
import { createSkillContext } from "./skill-context.js";
import { runSkillProgram } from "./skill-process.js";

/** Where runs are recorded (the session log's skillRun). */
export type SkillRunRecorder = (
  skill: string,
  args: Record<string, unknown>,
  durationMs: number,
  outcome: string,
) => void;

export interface SkillRunnerOptions {
  registry: SkillRegistry;
  /** Where skills' code runs: a program whose only capability is its ctx (ADR 011). */
  programs: NodeProgramRunner;
  /** The agent's tools (the hub), before the skill's restriction. */
  tools: ToolSource;
  /** The session's current model. */
  model: () => ChatModel;
  maxSteps: number;
  historyBudgetTokens?: number | undefined;
  workspaceRoot: string;
  scrub: (text: string) => string;
  /** Records each run; absent: runs are not recorded. */
  record?: SkillRunRecorder;
}

export interface SkillRunRequest {
  name: string;
  /** A REPL argument line, or an object (from the model's run_skill call). */
  input: { kind: "line"; line: string } | { kind: "object"; args: Record<string, unknown> };
  signal: AbortSignal;
  /** The skill's ctx.log lines. */
  onLog?: (line: string) => void;
  /** Streamed output of the tools it runs. */
  onProgress?: (chunk: string) => void;
}

/** How a run went. */
export interface SkillRunOutcome {
  /** The skill did its job. */
  ok: boolean;
  /** Its report, plus the planned diff in a dry run. */
  text: string;
  dryRun: boolean;
  durationMs: number;
  /** What a dry run would have changed. */
  planned?: PlannedChange[];
}

export class SkillRunner {
  constructor(private readonly options: SkillRunnerOptions) {}

  get registry(): SkillRegistry {
    return this.options.registry;
  }

  /**
   * Runs the skill. Throws SkillUnavailableError (unknown or not approved) or SkillArgsError (with the usage
   * line) before anything runs; once it runs, every failure is an outcome with ok false.
   */
  async run(request: SkillRunRequest): Promise<SkillRunOutcome> {
    const { manifest, program } = await this.options.registry.loadApproved(request.name);
    const parsed: ParsedSkillArgs =
      request.input.kind === "line"
        ? parseSkillArgs(request.input.line, manifest)
        : coerceSkillArgs(request.input.args, manifest);
    const dryTools = parsed.dryRun ? new DryRunTools(this.options.tools) : undefined;
    const ctx = createSkillContext({
      skill: manifest.name,
      allowedTools: manifest.allowed_tools,
      tools: dryTools ?? this.options.tools,
      model: this.options.model,
      dryRun: parsed.dryRun,
      signal: request.signal,
      maxSteps: this.options.maxSteps,
      historyBudgetTokens: this.options.historyBudgetTokens,
      workspaceRoot: this.options.workspaceRoot,
      scrub: this.options.scrub,
      log: (line) => request.onLog?.(this.options.scrub(line)),
      ...(request.onProgress ? { onProgress: request.onProgress } : {}),
    });
    const started = Date.now();
    let result: SkillResult;
    try {
      const returned = await runSkillProgram(this.options.programs, {
        name: manifest.name,
        code: program.code,
        args: parsed.args,
        ctx,
        signal: request.signal,
      });
      result = typeof returned === "string" ? { ok: true, text: returned } : normalise(returned);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      result = request.signal.aborted
        ? { ok: false, text: `Skill ${manifest.name} was interrupted.` }
        : { ok: false, text: `Skill ${manifest.name} failed: ${reason}` };
    }
    const durationMs = Date.now() - started;
    let text = this.options.scrub(result.text);
    if (dryTools) {
      const diff = dryTools.diff();
      text += diff
        ? `\n\nDry run: nothing was written. It would change:\n${diff}`
        : "\n\nDry run: nothing was written, and nothing would change.";
    }
    const outcome = request.signal.aborted
      ? "interrupted"
      : result.ok
        ? parsed.dryRun
          ? "ok (dry run)"
          : "ok"
        : `failed: ${firstLine(result.text)}`;
    this.options.record?.(
      manifest.name,
      { ...parsed.args, ...(parsed.dryRun ? { dry_run: true } : {}) },
      durationMs,
      outcome,
    );
    return {
      ok: result.ok,
      text,
      dryRun: parsed.dryRun,
      durationMs,
      ...(dryTools ? { planned: dryTools.changes } : {}),
    };
  }
}

function normalise(value: unknown): SkillResult {
  if (value && typeof value === "object" && "text" in value && typeof value.text === "string") {
    return { ok: "ok" in value ? value.ok !== false : true, text: value.text };
  }
  return { ok: true, text: value === undefined ? "Done." : JSON.stringify(value) };
}

function firstLine(text: string): string {
  return (text.split("\n", 1)[0] ?? "").slice(0, 200);
}
