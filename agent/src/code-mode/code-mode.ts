// Code mode for main.ts in one call: the hub serves run_code's calls back (through the model's own ToolSource),
// and the model's tools are filtered by TOOL_MODE with run_code's API in the system prompt when it is offered.
import type { ToolHub } from "../hub/tool-hub.js";
import type { ToolSource, ToolSpec } from "../loop/tools.js";
import type { SkillEntry } from "../skills/registry.js";
import type { Artifacts } from "../store/artifacts.js";
import type { Callable } from "./code-api.js";
import { createCodeCallHandler } from "./code-calls.js";
import { createSharedArtifactsHandler } from "./shared-artifacts.js";
import { type ToolMode, ToolModeTools } from "./tool-mode.js";

export interface CodeModeOptions {
  /** The hub whose toolhost sends the calls. */
  hub: Pick<ToolHub, "serveToolhostRequests">;
  /** The model's tools, before the TOOL_MODE filter (the hub behind its decorators, plus run_skill). */
  tools: ToolSource;
  mode: ToolMode;
  scrub: (text: string) => string;
  /** The skills on disk (only approved ones are declared; the runner refuses the others anyway). */
  skills: () => readonly SkillEntry[];
  /** A shared store's artifacts (ADR 019); absent: run_code keeps artifacts in the workspace. */
  artifacts?: Artifacts;
}

export interface CodeMode {
  /** Give this to AgentSession as its tools. */
  tools: ToolSource;
  /** Give this to AgentSession as toolSections. */
  toolSections: (offered: readonly ToolSpec[]) => string[];
}

const ARG_TYPES = { string: "string", integer: "integer", number: "number", boolean: "boolean" } as const;

/** Approved skills as code calls them: `skills.<name>(args)` with a JSON Schema built from SKILL.md's args. */
export function skillCallables(entries: readonly SkillEntry[]): Callable[] {
  return entries.flatMap((entry) => {
    const manifest = entry.manifest;
    if (entry.state.kind !== "approved" || manifest === undefined) return [];
    const properties = Object.fromEntries(
      manifest.args.map((arg) => [
        arg.name,
        {
          ...(arg.type === "list"
            ? { type: "array", items: { type: "string" } }
            : { type: ARG_TYPES[arg.type] }),
          ...(arg.enum ? { enum: arg.enum } : {}),
          ...(arg.description ? { description: arg.description } : {}),
        },
      ]),
    );
    const required = manifest.args.filter((arg) => arg.required).map((arg) => arg.name);
    return [
      {
        name: manifest.name,
        description: manifest.description,
        parameters: { type: "object", properties, required },
      },
    ];
  });
}

export function createCodeMode(options: CodeModeOptions): CodeMode {
  const { scrub } = options;
  options.hub.serveToolhostRequests([
    createCodeCallHandler({ tools: options.tools, scrub }),
    ...(options.artifacts ? [createSharedArtifactsHandler({ artifacts: options.artifacts, scrub })] : []),
  ]);
  const tools = new ToolModeTools(options.tools, {
    mode: options.mode,
    skills: () => skillCallables(options.skills()),
  });
  return { tools, toolSections: (offered) => tools.promptSections(offered) };
}
