// Two tool sources as one: the agent's tools (the hub) and the agent-side tools only skills get.
// Calls go to whichever source lists the name; the extra source's names win.
import type { ToolCallOptions, ToolResult, ToolSource, ToolSpec } from "../loop/tools.js";

export class CombinedTools implements ToolSource {
  constructor(
    private readonly primary: ToolSource,
    private readonly extra: ToolSource,
    /** Names the extra source serves. */
    private readonly extraNames: readonly string[],
  ) {}

  async listTools(signal?: AbortSignal): Promise<ToolSpec[]> {
    const extra = await this.extra.listTools(signal);
    const primary = await this.primary.listTools(signal);
    return [...primary.filter((spec) => !this.extraNames.includes(spec.name)), ...extra];
  }

  callTool(name: string, args: Record<string, unknown>, options: ToolCallOptions): Promise<ToolResult> {
    const source = this.extraNames.includes(name) ? this.extra : this.primary;
    return source.callTool(name, args, options);
  }
}
