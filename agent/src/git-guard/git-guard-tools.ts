// A ToolSource over another that runs the git guard after every call, so a hook or a program-running git
// setting the sandbox planted is undone before anything on the host runs git, and the model is told why.
import type { Logger } from "../log/logger.js";
import type { ToolCallOptions, ToolResult, ToolSource, ToolSpec } from "../loop/tools.js";
import type { GitGuard } from "./git-guard.js";

export class GitGuardTools implements ToolSource {
  constructor(
    private readonly inner: ToolSource,
    private readonly guard: GitGuard,
    private readonly logger?: Logger,
  ) {}

  listTools(signal?: AbortSignal): Promise<ToolSpec[]> {
    return this.inner.listTools(signal);
  }

  async callTool(name: string, args: Record<string, unknown>, options: ToolCallOptions): Promise<ToolResult> {
    let outcome: { ok: true; result: ToolResult } | { ok: false; error: unknown };
    try {
      outcome = { ok: true, result: await this.inner.callTool(name, args, options) };
    } catch (error) {
      outcome = { ok: false, error };
    }
    // Also after a failed call: the command may have changed .git before it failed.
    const findings = await this.guard.check().catch((error: unknown) => {
      this.logger?.warn({ err: String(error) }, "git guard check failed");
      return [] as string[];
    });
    if (findings.length > 0) this.logger?.warn({ tool: name, findings }, "git guard undid changes to .git");
    const note = findings.length === 0 ? "" : `\n\n${gitGuardNote(findings)}`;
    if (!outcome.ok) {
      if (note === "") throw outcome.error;
      const message = outcome.error instanceof Error ? outcome.error.message : String(outcome.error);
      throw new Error(`${message}${note}`, { cause: outcome.error });
    }
    return note === "" ? outcome.result : { ...outcome.result, text: `${outcome.result.text}${note}` };
  }
}

/** The note for the model (and the user, who sees tool results). */
export function gitGuardNote(findings: readonly string[]): string {
  return [
    "[The agent undid changes to the workspace's .git that would run programs on the host when git runs:",
    ...findings.map((line) => `  ${line}`),
    "Do not set git hooks or git settings that run programs.]",
  ].join("\n");
}
