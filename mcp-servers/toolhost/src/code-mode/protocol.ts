// The one request code mode adds to MCP: the toolhost (server) asks its client (the agent's hub) to run a tool
// or a skill for code running in run_code. Shared by both ends; the client declares it as an experimental capability.
import { z } from "zod";

/** The code-mode tool's name; the agent refuses it as a call from code (no recursion). */
export const RUN_CODE = "run_code";

/** JSON-RPC method of a call from run_code's code, sent by the toolhost to the agent. */
export const CODE_CALL_METHOD = "ts-coding-agent/code_call";

/** Experimental capability a client declares in `initialize` when it serves CODE_CALL_METHOD. */
export const CODE_CALL_CAPABILITY = "ts-coding-agent/code-calls";

/** Params of CODE_CALL_METHOD: a tool by its exposed name (`read_file`, `datetime__convert_time`) or a skill. */
export const codeCallParamsSchema = z.object({
  kind: z.enum(["tool", "skill"]),
  name: z.string().min(1).max(256),
  arguments: z.record(z.string(), z.unknown()),
});
export type CodeCallParams = z.infer<typeof codeCallParamsSchema>;

/** Result of CODE_CALL_METHOD: the tool result's text (already scrubbed and bounded) and whether it failed. */
export const codeCallResultSchema = z.object({ text: z.string(), isError: z.boolean() });
export type CodeCallResult = z.infer<typeof codeCallResultSchema>;

/**
 * JSON-RPC method of an artifacts call from run_code's code, sent by the toolhost to the agent when the agent
 * keeps artifacts in a shared store (ADR 019); without it the toolhost keeps them in the workspace itself.
 */
export const ARTIFACT_METHOD = "ts-coding-agent/artifact";

/** Experimental capability a client declares when it serves ARTIFACT_METHOD. */
export const ARTIFACTS_CAPABILITY = "ts-coding-agent/shared-artifacts";

/** Params of ARTIFACT_METHOD. The toolhost has checked the name and encoded the value as text. */
export const artifactRequestSchema = z.discriminatedUnion("op", [
  z.object({ op: z.literal("save"), name: z.string().min(1).max(100), text: z.string() }),
  z.object({ op: z.literal("load"), name: z.string().min(1).max(100) }),
  z.object({ op: z.literal("list") }),
]);
export type ArtifactRequest = z.infer<typeof artifactRequestSchema>;

/** Result of ARTIFACT_METHOD: `error` says why it failed; load gives `text` (absent: no such artifact). */
export const artifactResponseSchema = z.object({
  error: z.string().optional(),
  text: z.string().optional(),
  entries: z.array(z.object({ name: z.string(), size: z.number() })).optional(),
});
export type ArtifactResponse = z.infer<typeof artifactResponseSchema>;
