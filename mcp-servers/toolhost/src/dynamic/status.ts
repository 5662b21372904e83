// The contract between the toolhost and the agent's hub for dynamic tools: an MCP resource whose read first
// syncs with dynamic-tools/ on disk, then reports which tools are loaded and which failed, with the reason.
import { z } from "zod";

/** The resource's URI. Reading it rescans dynamic-tools/ (what /reload and /tools rely on). */
export const DYNAMIC_TOOLS_STATUS_URI = "toolhost://dynamic-tools/status";

export const dynamicToolsStatusSchema = z.object({
  /** Names of the dynamic tools loaded and offered. */
  loaded: z.array(z.string()),
  /** Tool folders that failed to load, and why. */
  problems: z.array(z.object({ name: z.string(), reason: z.string() })),
});

/** The resource's JSON text, parsed. */
export type DynamicToolsStatus = z.infer<typeof dynamicToolsStatusSchema>;
