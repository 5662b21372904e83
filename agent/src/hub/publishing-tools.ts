// Dynamic tools and the shared store (ADR 019): a ToolSource that tells the tool sync about every tool
// create_tool made (other agents get it at once, not at the next folder scan), and the way the sync installs
// another agent's tool: the toolhost's own create_tool, so the sandbox's folder is written only by the sandbox.
import type { ToolCallOptions, ToolResult, ToolSource, ToolSpec } from "../loop/tools.js";

export class PublishingTools implements ToolSource {
  constructor(
    private readonly inner: ToolSource,
    /** Called with the tool's name after create_tool succeeded. Must not throw. */
    private readonly onCreated: (name: string) => void,
  ) {}

  listTools(signal?: AbortSignal): Promise<ToolSpec[]> {
    return this.inner.listTools(signal);
  }

  async callTool(name: string, args: Record<string, unknown>, options: ToolCallOptions): Promise<ToolResult> {
    const result = await this.inner.callTool(name, args, options);
    if (name === "create_tool" && !result.isError && typeof args.name === "string") this.onCreated(args.name);
    return result;
  }
}

/** Installs (or replaces) a tool through the toolhost's create_tool. Throws with the toolhost's reason. */
export async function installTool(
  tools: ToolSource,
  tool: { name: string; description: string; parameters: Record<string, unknown>; code: string },
): Promise<void> {
  const args = { ...tool, overwrite: true };
  const result = await tools.callTool("create_tool", args, { signal: new AbortController().signal });
  if (result.isError) throw new Error(`cannot install the shared tool "${tool.name}": ${result.text}`);
}
