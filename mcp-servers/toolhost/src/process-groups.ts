// Tracks the process groups the shell tool starts so they can be killed as a whole: on timeout, on cancel,
// and every one of them when the toolhost shuts down (stdin closed, SIGTERM, SIGINT).
import { readdirSync, readFileSync } from "node:fs";

// Process ids (on Linux) whose session or process group is `leader`: catches children that moved to a new
// process group with setpgid (job control) but stayed in the session the shell started.
function membersOf(leader: number): number[] {
  let entries: string[];
  try {
    entries = readdirSync("/proc");
  } catch {
    return [];
  }
  const members: number[] = [];
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      // Fields after the command name, which may itself hold spaces and parentheses.
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      const group = Number(fields[2]);
      const session = Number(fields[3]);
      if (group === leader || session === leader) members.push(Number(entry));
    } catch {
      // The process exited while we looked.
    }
  }
  return members;
}

/** Sends `signal` to the process group led by `leader` and to every process left in its session. */
export function killProcessGroup(leader: number, signal: NodeJS.Signals = "SIGKILL"): void {
  try {
    process.kill(-leader, signal);
  } catch {
    // ESRCH: the group is already gone.
  }
  for (const pid of membersOf(leader)) {
    try {
      process.kill(pid, signal);
    } catch {
      // Gone already.
    }
  }
}

/** The process groups started by this toolhost. */
export class ProcessGroups {
  private readonly leaders = new Set<number>();

  /** Remembers a group leader (a child spawned with `detached: true`). */
  add(leader: number): void {
    this.leaders.add(leader);
  }

  /** Kills one group now; it stays remembered so shutdown kills what may have been left in it. */
  kill(leader: number): void {
    killProcessGroup(leader);
  }

  /** Kills every group ever started (background processes included). Must not throw. */
  killAll(): void {
    for (const leader of this.leaders) killProcessGroup(leader);
    this.leaders.clear();
  }
}
