// Reads process facts from /proc on Linux: peak resident memory (VmHWM) and a process's children, so peak
// RSS is measured for the agent and the toolhost separately, while they are still alive.
import { readFileSync } from "node:fs";

/** Peak resident set (VmHWM) of a live process in KiB; NaN when it is gone or /proc is absent. */
export function peakRssKib(pid: number): number {
  return statusField(pid, "VmHWM");
}

/** Current resident set (VmRSS) of a live process in KiB; NaN when unknown. */
export function rssKib(pid: number): number {
  return statusField(pid, "VmRSS");
}

/** Direct children of a live process (from /proc/<pid>/task/<tid>/children). */
export function childPids(pid: number): number[] {
  try {
    const text = readFileSync(`/proc/${pid}/task/${pid}/children`, "utf8");
    return text
      .split(/\s+/)
      .filter((part) => part !== "")
      .map(Number);
  } catch {
    return [];
  }
}

/** The command line of a live process, joined with spaces ("" when gone). */
export function commandLine(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").join(" ").trim();
  } catch {
    return "";
  }
}

function statusField(pid: number, field: string): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    const match = new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(status);
    return match?.[1] ? Number(match[1]) : Number.NaN;
  } catch {
    return Number.NaN;
  }
}
