// A small JavaScript program run where the sandbox runs things, with nothing but its stdio: skills run as one
// (ADR 011). Local: a node child process under the permission model; docker: a container with no mount, no
// network and no environment. The program speaks JSON lines on stdin/stdout; stderr is for diagnostics.
import type { Readable, Writable } from "node:stream";

export interface NodeProgram {
  /** ESM source, run with `node --input-type=module --eval`; process.argv[1] is a JSON object of module URLs. */
  source: string;
  /** Packages the program may import (resolved where it runs and granted read access), e.g. `typescript`. */
  modules: readonly string[];
  /** What it is, for container names and messages ("skill hello"). */
  label: string;
}

/** A started program. */
export interface NodeProgramProcess {
  stdin: Writable;
  stdout: Readable;
  stderr: Readable;
  /** Resolves once it has ended, with how ("exit code 1", "killed"). */
  exited: Promise<string>;
  /** Ends it at once and releases what it held (process group, container). Must not throw. */
  kill(): Promise<void>;
}

export interface NodeProgramRunner {
  /** Where programs run: `container` is a boundary, `process` is not (no network or socket control). */
  readonly isolation: "container" | "process";
  /** Starts `program`. Throws a SandboxError naming the fix when it cannot. */
  start(program: NodeProgram): Promise<NodeProgramProcess>;
}

/** Heap of a program, in megabytes. */
export const PROGRAM_HEAP_MB = 512;

/** The node flags every program gets, wherever it runs: permission model, given reads, no sqlite, no warnings. */
export function programNodeArgs(
  permission: string,
  disabled: readonly string[],
  readPaths: readonly string[],
  program: NodeProgram,
  moduleUrls: Record<string, string>,
): string[] {
  return [
    permission,
    ...disabled,
    ...readPaths.map((dir) => `--allow-fs-read=${dir}`),
    `--max-old-space-size=${PROGRAM_HEAP_MB}`,
    "--no-warnings",
    "--input-type=module",
    "--eval",
    program.source,
    JSON.stringify(moduleUrls),
  ];
}
