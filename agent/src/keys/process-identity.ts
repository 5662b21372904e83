// Names one process on one kernel across pid reuse (boot id, pid namespace, pid, start time), and tells
// whether the process a name refers to is provably gone. In keys/ (which imports nothing else of ours) since the
// keystore's lock uses it; the sandbox's stale-container cleanup does too.
import { readFileSync, readlinkSync } from "node:fs";

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

/**
 * `<boot id>:<pid namespace>:<pid>:<start ticks>` of `pid` (default: this process), when /proc can tell
 * (Linux); undefined elsewhere.
 */
export function processIdentity(pid: number = process.pid, proc = "/proc"): string | undefined {
  const scope = kernelScope(proc);
  const start = processStartTicks(pid, proc);
  return scope && start ? `${scope}:${pid}:${start}` : undefined;
}

/**
 * Whether the process named by `identity` is provably gone: it ran on this kernel in this pid namespace and
 * no process with that pid and start time runs now. Undefined when it cannot be told from here.
 */
export function processGone(identity: string, proc = "/proc"): boolean | undefined {
  const match = /^([0-9a-f-]+:\d+):(\d+):(\d+)$/.exec(identity);
  if (!match) return undefined;
  const [, scope, pid, start] = match;
  if (scope !== kernelScope(proc)) return undefined;
  return processStartTicks(Number(pid), proc) !== start;
}
