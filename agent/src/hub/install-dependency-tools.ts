// A ToolSource over another that answers install_dependency with the sandbox launcher's installer (docker: a
// networked install container) instead of the toolhost, whose sandbox has no network; every other call passes.
import { INSTALL_DEPENDENCY_TOOL } from "@ts-coding-agent/toolhost";
import type { ToolCallOptions, ToolResult, ToolSource, ToolSpec } from "../loop/tools.js";
import type { DependencyInstaller } from "../sandbox/launcher.js";

export class InstallDependencyTools implements ToolSource {
  constructor(
    private readonly inner: ToolSource,
    private readonly installer: DependencyInstaller,
  ) {}

  /** The inner tools as they are: the toolhost lists install_dependency with its schema. */
  listTools(signal?: AbortSignal): Promise<ToolSpec[]> {
    return this.inner.listTools(signal);
  }

  callTool(name: string, args: Record<string, unknown>, options: ToolCallOptions): Promise<ToolResult> {
    if (name !== INSTALL_DEPENDENCY_TOOL) return this.inner.callTool(name, args, options);
    return this.installer.install(args, options.signal);
  }
}
