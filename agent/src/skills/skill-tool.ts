// The run_skill tool: a ToolSource decorator that adds `run_skill {name, args}` to the model's tools and runs
// approved skills through the runner; a proposed or revoked skill is an error telling the model to ask the user.
import type { ToolCallOptions, ToolResult, ToolSource, ToolSpec } from "../loop/tools.js";
import type { SkillRunner } from "./runner.js";
import { SkillArgsError, SkillUnavailableError } from "./skill-errors.js";

export const RUN_SKILL = "run_skill";

const runSkillSpec: ToolSpec = {
  name: RUN_SKILL,
  description: "Run an approved skill (listed in the system prompt) by name.",
  parameters: {
    type: "object",
    properties: {
      name: { type: "string" },
      args: { type: "object", description: 'By name, e.g. {"file": "app.py", "dry_run": true}.' },
    },
    required: ["name"],
    additionalProperties: false,
  },
};

/** `inner` plus run_skill (listed only while at least one skill exists). */
export function withSkillTool(inner: ToolSource, runner: SkillRunner): ToolSource {
  return {
    async listTools(signal?: AbortSignal): Promise<ToolSpec[]> {
      const tools = await inner.listTools(signal);
      // Called before every LLM request: a directory listing, not a scan that reads and hashes every skill.
      const hasSkills = runner.registry.hasSkills();
      return hasSkills ? [...tools.filter((t) => t.name !== RUN_SKILL), runSkillSpec] : tools;
    },
    async callTool(
      name: string,
      args: Record<string, unknown>,
      options: ToolCallOptions,
    ): Promise<ToolResult> {
      if (name !== RUN_SKILL) return inner.callTool(name, args, options);
      const skill = args.name;
      const skillArgs = args.args ?? {};
      if (typeof skill !== "string" || !skill) {
        return { text: 'run_skill needs "name": the skill to run.', isError: true };
      }
      if (typeof skillArgs !== "object" || Array.isArray(skillArgs) || skillArgs === null) {
        return { text: 'run_skill "args" must be an object of arguments by name.', isError: true };
      }
      try {
        const outcome = await runner.run({
          name: skill,
          input: { kind: "object", args: skillArgs as Record<string, unknown> },
          signal: options.signal,
          onLog: (line) => options.onProgress?.(`${line}\n`),
          ...(options.onProgress ? { onProgress: options.onProgress } : {}),
        });
        return { text: outcome.text, isError: !outcome.ok };
      } catch (error) {
        if (SkillUnavailableError.isInstance(error) || SkillArgsError.isInstance(error)) {
          return { text: error.message, isError: true };
        }
        throw error;
      }
    },
  };
}
