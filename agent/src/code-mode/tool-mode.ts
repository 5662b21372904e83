// TOOL_MODE: whether the model gets the tools as calls, only run_code (code mode), or both. A ToolSource
// decorator that filters what the model is offered and prints run_code's API for the system prompt.

import { RUN_CODE } from "@ts-coding-agent/toolhost";
import type { ToolCallOptions, ToolResult, ToolSource, ToolSpec } from "../loop/tools.js";
import { RUN_SKILL } from "../skills/skill-tool.js";
import { type Callable, codeApiDeclarations } from "./code-api.js";

export const TOOL_MODES = ["calls", "code", "both"] as const;
/** calls: every tool but run_code · code: run_code only · both: every tool and run_code. */
export type ToolMode = (typeof TOOL_MODES)[number];

export interface ToolModeOptions {
  mode: ToolMode;
  /** Approved skills as code may call them (arguments as a JSON Schema object). */
  skills: () => readonly Callable[];
  /** Size bound of the declarations. Default: code-api.ts's. */
  maxDeclarationChars?: number;
}

/** Which of `all` the model is offered in `mode`. */
export function offeredTools(all: readonly ToolSpec[], mode: ToolMode): ToolSpec[] {
  switch (mode) {
    case "calls":
      return all.filter((tool) => tool.name !== RUN_CODE);
    case "code": {
      const runCode = all.filter((tool) => tool.name === RUN_CODE);
      // No toolhost (a hub of mcp.json servers only) means no run_code: the tools stay usable as calls.
      return runCode.length > 0 ? runCode : [...all];
    }
    case "both":
      return [...all];
  }
}

export class ToolModeTools implements ToolSource {
  /** Every tool of the last listing, for the declarations. */
  private all: readonly ToolSpec[] = [];

  constructor(
    private readonly inner: ToolSource,
    private readonly options: ToolModeOptions,
  ) {}

  async listTools(signal?: AbortSignal): Promise<ToolSpec[]> {
    this.all = await this.inner.listTools(signal);
    return offeredTools(this.all, this.options.mode);
  }

  callTool(name: string, args: Record<string, unknown>, options: ToolCallOptions): Promise<ToolResult> {
    return this.inner.callTool(name, args, options);
  }

  /**
   * The system prompt section with run_code's API, when the request offers run_code ([] otherwise). Built
   * from the tools listed for the same request, so it follows dynamic tools and servers coming and going.
   */
  promptSections(offered: readonly ToolSpec[]): string[] {
    if (!offered.some((tool) => tool.name === RUN_CODE)) return [];
    const tools = this.all.filter((tool) => tool.name !== RUN_CODE && tool.name !== RUN_SKILL);
    const skills = this.options.skills();
    const declarations = codeApiDeclarations({
      tools,
      skills,
      ...(this.options.maxDeclarationChars ? { maxChars: this.options.maxDeclarationChars } : {}),
    });
    // The skills section still speaks of run_skill; in code mode that tool is not offered.
    const viaCode =
      skills.length > 0 && !offered.some((tool) => tool.name === RUN_SKILL)
        ? "\nSkills are called from run_code as skills.<name>(args); run_skill is not offered."
        : "";
    return [declarations + viaCode];
  }
}
