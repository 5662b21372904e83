// Who owns a sandbox container: a random id per agent process, plus what lets another agent prove that owner
// gone (its process on this kernel, or its container). Hostnames and bare pids are shared or reused; these are not.
import { randomBytes } from "node:crypto";
import { processIdentity } from "../keys/process-identity.js";

/** The identity an agent process writes into the labels of every container it creates. */
export interface OwnerIdentity {
  /** Random per process: only this process ever carries it. */
  instance: string;
  /**
   * `<boot id>:<pid namespace>:<pid>:<start time in clock ticks>` (process-identity.ts): names one process on
   * one kernel, across pid reuse. Absent where /proc cannot say (not Linux).
   */
  process?: string;
  /** Full id of the container the agent runs in, when it runs in one. */
  container?: string;
}

let self: OwnerIdentity | undefined;

/** This process's identity; `container` is the agent's own container id when it runs in one. */
export function ownIdentity(container?: string): OwnerIdentity {
  self ??= (() => {
    const identity: OwnerIdentity = { instance: randomBytes(16).toString("hex") };
    const processLabel = processIdentity();
    if (processLabel) identity.process = processLabel;
    return identity;
  })();
  return container === undefined ? self : { ...self, container };
}
