// An in-memory ToolSource for loop tests: tools are plain async functions, and every call is recorded.
// The loop cannot tell it from the MCP hub, which is the point.
import type { ToolCallOptions, ToolResult, ToolSource, ToolSpec } from "../../agent/src/loop/tools.js";

export type MemoryToolHandler = (
  args: Record<string, unknown>,
  options: ToolCallOptions,
) => Promise<ToolResult | string>;

export class MemoryTools implements ToolSource {
  readonly calls: Array<{ name: string; args: Record<string, unknown> }> = [];
  private readonly tools = new Map<string, { spec: ToolSpec; handler: MemoryToolHandler }>();

  add(name: string, handler: MemoryToolHandler, description = `The ${name} tool.`): this {
    this.tools.set(name, {
      spec: { name, description, parameters: { type: "object", properties: {}, additionalProperties: true } },
      handler,
    });
    return this;
  }

  async listTools(): Promise<ToolSpec[]> {
    return [...this.tools.values()].map((tool) => tool.spec);
  }

  async callTool(name: string, args: Record<string, unknown>, options: ToolCallOptions): Promise<ToolResult> {
    this.calls.push({ name, args });
    const tool = this.tools.get(name);
    if (!tool) throw new Error(`no tool ${name}`);
    const result = await tool.handler(args, options);
    return typeof result === "string" ? { text: result, isError: false } : result;
  }
}
