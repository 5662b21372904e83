// A ToolSource narrowed to a skill's allowed_tools: the list shows only those, and a call to any other tool
// fails with SkillToolNotAllowedError naming it. ctx.tools and nested agent loops both go through it.
import type { ToolCallOptions, ToolResult, ToolSource, ToolSpec } from "../loop/tools.js";
import { SkillToolNotAllowedError } from "./skill-errors.js";

export class RestrictedTools implements ToolSource {
  constructor(
    private readonly inner: ToolSource,
    /** The skill, for error messages. */
    private readonly skill: string,
    /** Tool names it may call. */
    readonly allowed: readonly string[],
  ) {}

  /** The same view narrowed further (to a nested loop's tools); asking for more than allowed throws. */
  narrow(tools: readonly string[]): RestrictedTools {
    for (const tool of tools) this.assertAllowed(tool);
    return new RestrictedTools(this.inner, this.skill, tools);
  }

  assertAllowed(tool: string): void {
    if (!this.allowed.includes(tool)) throw new SkillToolNotAllowedError(this.skill, tool, this.allowed);
  }

  async listTools(signal?: AbortSignal): Promise<ToolSpec[]> {
    return (await this.inner.listTools(signal)).filter((spec) => this.allowed.includes(spec.name));
  }

  async callTool(name: string, args: Record<string, unknown>, options: ToolCallOptions): Promise<ToolResult> {
    this.assertAllowed(name);
    return this.inner.callTool(name, args, options);
  }
}
