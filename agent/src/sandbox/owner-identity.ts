// Who owns a sandbox container: a random id per agent process, plus what lets another agent prove that owner
// gone (its process on this kernel, or its container). Hostnames and bare pids are shared or reused; these are not.
import { randomBytes } from "node:crypto";
import { readFileSync, readlinkSync } from "node:fs";

/** The identity an agent process writes into the labels of every container it creates. */
export interface OwnerIdentity {
  /** Random per process: only this process ever carries it. */
  instance: string;
  /**
   * `<boot id>:<pid namespace>:<pid>:<start time in clock ticks>`: names one process on one kernel, across
   * pid reuse. Absent where /proc cannot say (not Linux).
   */
  process?: string;
  /** Full id of the container the agent runs in, when it runs in one. */
  container?: string;
}

/** Start time (field 22 of /proc/<pid>/stat) of a process in this pid namespace, or undefined if none runs. */
export function processStartTicks(pid: number, proc = "/proc"): string | undefined {
  if (!Number.isInteger(pid) || pid <= 0) return undefined;
  try {
    const stat = readFileSync(`${proc}/${pid}/stat`, "utf8");
    // The command name (field 2) may hold spaces and parentheses: count fields after its last ')'.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return fields[19];
  } catch {
    return undefined;
  }
}

/** Boot id and pid namespace of this process: two processes are comparable by pid only when both match. */
export function kernelScope(proc = "/proc"): string | undefined {
  try {
    const bootId = readFileSync(`${proc}/sys/kernel/random/boot_id`, "utf8").trim();
    const pidNamespace = /\[(\d+)\]/.exec(readlinkSync(`${proc}/self/ns/pid`))?.[1];
    return bootId && pidNamespace ? `${bootId}:${pidNamespace}` : undefined;
  } catch {
    return undefined;
  }
}

/** The process label value of `pid` (default: this process), when /proc can tell. */
export function processIdentity(pid: number = process.pid, proc = "/proc"): string | undefined {
  const scope = kernelScope(proc);
  const start = processStartTicks(pid, proc);
  return scope && start ? `${scope}:${pid}:${start}` : undefined;
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

/**
 * Whether the process named by a process label is provably gone: it ran on this kernel in this pid namespace
 * and no process with that pid and start time runs now. Undefined when it cannot be told from here.
 */
export function processGone(label: string, proc = "/proc"): boolean | undefined {
  const match = /^([0-9a-f-]+:\d+):(\d+):(\d+)$/.exec(label);
  if (!match) return undefined;
  const [, scope, pid, start] = match;
  if (scope !== kernelScope(proc)) return undefined;
  return processStartTicks(Number(pid), proc) !== start;
}
