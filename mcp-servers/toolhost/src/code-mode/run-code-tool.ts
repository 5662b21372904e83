// run_code: runs TypeScript the model wrote in a sandboxed node process (as dynamic tools run), where
// `tools.<name>(args)` and `skills.<name>(args)` go back to the agent over MCP and `artifacts` to the workspace
// (or, when the agent keeps them in a shared store, to the agent too).
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { StringDecoder } from "node:string_decoder";
import { z } from "zod";
import { MAX_CODE_CHARS } from "../dynamic/compile-tool.js";
import { runDynamicTool } from "../dynamic/run-tool.js";
import type { ContextOperation } from "../dynamic/tool-context.js";
import type { ProcessGroups } from "../process-groups.js";
import { type ToolCallContext, type ToolDescriptor, ToolInputError } from "../tool-descriptor.js";
import type { Workspace } from "../workspace.js";
import { runArtifactOperation, runSharedArtifactOperation } from "./artifacts.js";
import { CODE_RUNNER_SOURCE } from "./code-runner.js";
import { CODE_SOURCE_PATH, compileCode } from "./compile-code.js";
import {
  ARTIFACT_METHOD,
  ARTIFACTS_CAPABILITY,
  CODE_CALL_CAPABILITY,
  CODE_CALL_METHOD,
  codeCallResultSchema,
  RUN_CODE,
} from "./protocol.js";

export interface RunCodeDeps {
  /** The workspace artifacts are saved in. */
  workspace: Workspace;
  /** Where the child's process group is registered, so shutdown kills it. */
  processGroups: ProcessGroups;
  /** Timeout when the model gives none, in seconds (the shell's default). */
  defaultTimeoutSeconds: number;
  /** Largest timeout the model may ask for, in seconds (the shell's maximum). */
  maxTimeoutSeconds: number;
}

function inputShapeFor(deps: RunCodeDeps) {
  return {
    code: z
      .string()
      .min(1)
      .max(MAX_CODE_CHARS)
      .describe(
        "TypeScript, run as the body of an async function: await and return work, no imports. Use tools, skills, artifacts (declared in the system prompt) and console.log; the returned value is the result.",
      ),
    timeout_seconds: z
      .number()
      .positive()
      .optional()
      .describe(`Default ${deps.defaultTimeoutSeconds}, max ${deps.maxTimeoutSeconds}.`),
  };
}

/** Asks the agent to run a tool or skill for the code; throws an Error (a rejection in the code) on failure. */
async function callAgent(
  kind: "tool" | "skill",
  params: Record<string, unknown>,
  context: ToolCallContext,
  signal: AbortSignal,
  timeoutMs: number,
): Promise<string> {
  const name = params.name;
  if (typeof name !== "string" || name === "") throw new ToolInputError(`${kind}s.<name> needs a name.`);
  const args = params.args ?? {};
  if (typeof args !== "object" || args === null || Array.isArray(args)) {
    throw new ToolInputError(`${kind}s.${name}(args): args must be an object of arguments by name.`);
  }
  if (context.askClient === undefined || context.clientSupports?.(CODE_CALL_CAPABILITY) !== true) {
    throw new ToolInputError(
      `${kind}s.${name} is not available: this MCP client does not run calls from code (only artifacts and console work here).`,
    );
  }
  const answer = await context.askClient(
    CODE_CALL_METHOD,
    { kind, name, arguments: args },
    { signal, timeoutMs },
  );
  const result = codeCallResultSchema.safeParse(answer);
  if (!result.success) throw new Error(`the agent's answer to ${kind}s.${name} was malformed`);
  if (result.data.isError) throw new ToolInputError(result.data.text);
  return result.data.text;
}

/** Creates the run_code tool. */
export function createRunCodeTool(deps: RunCodeDeps): ToolDescriptor<ReturnType<typeof inputShapeFor>> {
  return {
    name: RUN_CODE,
    description:
      "Run TypeScript in the sandbox that calls tools, skills and artifacts as async functions (API in the system prompt); many steps in one call. Returns the returned value and console output.",
    inputShape: inputShapeFor(deps),
    async handler(args, context) {
      const compiled = await compileCode(args.code);
      if (!compiled.ok) return { text: compiled.message, isError: true };
      const timeoutSeconds = Math.min(
        args.timeout_seconds ?? deps.defaultTimeoutSeconds,
        deps.maxTimeoutSeconds,
      );
      // Private to this call, outside the workspace; the child may read this one file and nothing else.
      const directory = await mkdtemp(path.join(tmpdir(), "toolhost-code-"));
      const compiledFile = path.join(directory, "code.mjs");
      const decoder = new StringDecoder("utf8");
      try {
        await writeFile(compiledFile, compiled.javascript, { mode: 0o444, flag: "wx" });
        const operations: ContextOperation = async (op, params, signal) => {
          const fields = (params ?? {}) as Record<string, unknown>;
          switch (op) {
            case "tool":
            case "skill":
              return callAgent(op, fields, context, signal, timeoutSeconds * 1000);
            case "artifactSave":
            case "artifactLoad":
            case "artifactList": {
              // An agent with a shared store keeps artifacts there (ADR 019); otherwise the workspace does.
              const ask = context.askClient;
              if (ask && context.clientSupports?.(ARTIFACTS_CAPABILITY) === true) {
                const timeoutMs = timeoutSeconds * 1000;
                return runSharedArtifactOperation(op, fields, (request) =>
                  ask(ARTIFACT_METHOD, request, { signal, timeoutMs }),
                );
              }
              return runArtifactOperation(op, fields, deps.workspace);
            }
            default:
              throw new ToolInputError(`run_code has no operation "${op}".`);
          }
        };
        return await runDynamicTool({
          name: RUN_CODE,
          compiledFile,
          args: {},
          timeoutSeconds,
          signal: context.signal,
          operations,
          processGroups: deps.processGroups,
          runnerSource: CODE_RUNNER_SOURCE,
          sourcePath: CODE_SOURCE_PATH,
          cutHint: "save it with artifacts.save(name, value) and return the name",
          ...(context.reportProgress === undefined
            ? {}
            : { onOutput: (chunk: Buffer) => context.reportProgress?.(decoder.write(chunk)) }),
        });
      } finally {
        await rm(directory, { recursive: true, force: true });
      }
    },
  };
}
