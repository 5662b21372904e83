// The machine a run happened on, for the header of every result: CPU, cores, memory, Node, Docker, date.
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { cpus, totalmem } from "node:os";

export interface MachineFacts {
  /** CPU model from /proc/cpuinfo (or os.cpus()). */
  cpu: string;
  /** Cores the OS reports (nproc). */
  cores: number;
  /** Total memory in GiB. */
  memoryGib: number;
  /** Node version running the benchmark (and the agent). */
  node: string;
  /** Docker server version, or "unavailable". */
  docker: string;
  /** ISO date of the run. */
  date: string;
}

export function machineFacts(): MachineFacts {
  return {
    cpu: cpuModel(),
    cores: cpus().length,
    memoryGib: Math.round((totalmem() / 1024 ** 3) * 10) / 10,
    node: process.version,
    docker: dockerVersion(),
    date: new Date().toISOString(),
  };
}

export function describeMachine(facts: MachineFacts): string {
  return [
    `- Date: ${facts.date}`,
    `- CPU: ${facts.cpu}, ${facts.cores} cores (nproc), ${facts.memoryGib} GiB RAM`,
    `- Node ${facts.node}; Docker ${facts.docker}`,
  ].join("\n");
}

function cpuModel(): string {
  try {
    const match = /^model name\s*:\s*(.+)$/m.exec(readFileSync("/proc/cpuinfo", "utf8"));
    if (match?.[1]) return match[1].trim();
  } catch {
    // not Linux: fall through to os.cpus()
  }
  return cpus()[0]?.model ?? "unknown";
}

function dockerVersion(): string {
  try {
    return execFileSync("docker", ["version", "--format", "{{.Server.Version}}"], {
      encoding: "utf8",
      timeout: 5_000,
      stdio: ["ignore", "pipe", "ignore"],
    }).trim();
  } catch {
    return "unavailable";
  }
}
