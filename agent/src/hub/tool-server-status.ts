// What /tools shows about one tool server: how it is reached, whether it is up, its tools and what was
// dropped, and whether its tool list (untrusted data) changed since start-up.
import type { DroppedTool } from "./tool-names.js";

/** Where a server's tools come from: the sandbox's toolhost, a child process, or Streamable HTTP. */
export type ConnectionKind = "sandbox" | "stdio" | "http";
export type ConnectionState = "up" | "down" | "connecting";

/** What /tools shows for one server. */
export interface ToolServerStatus {
  /** Server name (`toolhost` for the built-ins). */
  name: string;
  /** Transport kind. */
  kind: ConnectionKind;
  /** Current state. */
  state: ConnectionState;
  /** Why it is down (only when down). */
  reason?: string;
  /** Where it runs, once known. */
  description?: string;
  /** Tool names the model sees (last known while down). */
  tools: string[];
  /** Tools not offered to the model, with the reason. */
  dropped: DroppedTool[];
  /** True when its tool list differs from the first one seen: its tools are untrusted data that changed. */
  changedSinceStart: boolean;
}
