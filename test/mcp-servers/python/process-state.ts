// Whether a process still exists, for orphan checks: a zombie (exited, not yet reaped) counts as gone.

import { readFileSync } from "node:fs";

export function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    return !/^State:\s+Z/m.test(readFileSync(`/proc/${pid}/status`, "utf8"));
  } catch {
    return false;
  }
}
