// Approved skills as MCP tools: `skill__<name>` with an input schema built from SKILL.md's args. Only skills
// approved right now are listed, and every call goes through the runner, which checks the approval again.
import type { JsonSchema, ToolCallOptions, ToolResult, ToolSpec } from "../loop/tools.js";
import type { SkillRegistry } from "../skills/registry.js";
import type { SkillRunner } from "../skills/runner.js";
import { SkillArgsError, SkillUnavailableError } from "../skills/skill-errors.js";
import type { SkillArgSpec, SkillManifest } from "../skills/skill-md.js";

/** Served skill tools are named `skill__<name>`, like a hub server named "skill". */
export const SKILL_TOOL_PREFIX = "skill__";

/** The tools for the skills that are approved now (an edited skill is revoked, so it is not listed). */
export function approvedSkillTools(registry: SkillRegistry): ToolSpec[] {
  return registry.scan().flatMap((entry) => {
    if (entry.state.kind !== "approved" || !entry.manifest) return [];
    return [skillToolSpec(entry.manifest)];
  });
}

export function skillToolSpec(manifest: SkillManifest): ToolSpec {
  const properties: Record<string, JsonSchema> = {};
  for (const arg of manifest.args) properties[arg.name] = argSchema(arg);
  properties.dry_run = {
    type: "boolean",
    description: "Show what the skill would change; nothing is written.",
  };
  const required = manifest.args.filter((arg) => arg.required).map((arg) => arg.name);
  return {
    name: `${SKILL_TOOL_PREFIX}${manifest.name}`,
    description: `Skill (human-approved workflow): ${manifest.description}`,
    parameters: {
      type: "object",
      properties,
      ...(required.length > 0 ? { required } : {}),
      additionalProperties: false,
    },
  };
}

function argSchema(arg: SkillArgSpec): JsonSchema {
  const described = arg.description ? { description: arg.description } : {};
  const fallback = arg.default === undefined ? {} : { default: arg.default };
  switch (arg.type) {
    case "string":
      return { type: "string", ...(arg.enum ? { enum: arg.enum } : {}), ...described, ...fallback };
    case "integer":
      return { type: "integer", ...described, ...fallback };
    case "number":
      return { type: "number", ...described, ...fallback };
    case "boolean":
      return { type: "boolean", ...described, ...fallback };
    case "list":
      return { type: "array", items: { type: "string" }, ...described, ...fallback };
  }
}

/**
 * Runs `skill__<name>`. A skill that is unknown, not approved or edited since approval, and arguments that do
 * not fit, are error results naming the fix; once the skill runs, its outcome is the result.
 */
export async function callSkillTool(
  runner: SkillRunner,
  toolName: string,
  args: Record<string, unknown>,
  options: ToolCallOptions,
): Promise<ToolResult> {
  const name = toolName.slice(SKILL_TOOL_PREFIX.length);
  const { signal, onProgress } = options;
  try {
    const outcome = await runner.run({
      name,
      input: { kind: "object", args },
      signal,
      ...(onProgress ? { onProgress, onLog: (line: string) => onProgress(`${line}\n`) } : {}),
    });
    return { text: outcome.text, isError: !outcome.ok };
  } catch (error) {
    if (SkillUnavailableError.isInstance(error) || SkillArgsError.isInstance(error)) {
      return { text: error.message, isError: true };
    }
    throw error;
  }
}
