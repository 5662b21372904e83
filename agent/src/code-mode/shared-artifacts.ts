// Serves run_code's artifacts calls from the agent's shared store (ADR 019): with STORE_URL set, code on any
// agent saves and loads the same artifacts. The toolhost checks names and encodes values before it asks; the
// store checks names again and versions every write. Results are scrubbed like any other call from code.
import {
  ARTIFACT_METHOD,
  ARTIFACTS_CAPABILITY,
  type ArtifactResponse,
  artifactRequestSchema,
} from "@ts-coding-agent/toolhost";
import type { ClientRequestHandler } from "../hub/client-request-handler.js";
import type { Artifacts } from "../store/artifacts.js";

export interface SharedArtifactsOptions {
  artifacts: Artifacts;
  /** Removes secrets from what code loads, as from every tool result that reaches the sandbox. */
  scrub: (text: string) => string;
}

/** The hub's handler for ARTIFACT_METHOD. A failure is an `error` the code gets as a rejection. */
export function createSharedArtifactsHandler(options: SharedArtifactsOptions): ClientRequestHandler {
  const { artifacts, scrub } = options;
  return {
    method: ARTIFACT_METHOD,
    capability: ARTIFACTS_CAPABILITY,
    async handle(params) {
      const parsed = artifactRequestSchema.safeParse(params);
      if (!parsed.success) return { error: "An artifacts call from code had malformed parameters." };
      const request = parsed.data;
      let response: ArtifactResponse;
      try {
        switch (request.op) {
          case "save":
            await artifacts.save(request.name, request.text);
            response = {};
            break;
          case "load": {
            const found = await artifacts.load(request.name);
            response = found ? { text: scrub(found.text) } : {};
            break;
          }
          case "list":
            response = {
              entries: (await artifacts.list()).map((item) => ({ name: item.name, size: item.size })),
            };
            break;
        }
      } catch (error) {
        response = { error: scrub(error instanceof Error ? error.message : String(error)) };
      }
      return response;
    },
  };
}
