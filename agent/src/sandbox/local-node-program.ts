// Node programs as child processes of the agent (the local sandbox): Node's permission model (no file writes,
// no reads but the granted packages, no child processes or workers), an empty environment, own process group.
// No boundary for the network or local sockets: see README and ADR 011.
import { spawn } from "node:child_process";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { disabledModuleFlags, permissionFlag } from "@ts-coding-agent/toolhost";
import { SandboxError } from "./launcher.js";
import {
  type NodeProgram,
  type NodeProgramProcess,
  type NodeProgramRunner,
  programNodeArgs,
} from "./node-program.js";

const require = createRequire(import.meta.url);

export class LocalNodeProgramRunner implements NodeProgramRunner {
  readonly isolation = "process" as const;

  async start(program: NodeProgram): Promise<NodeProgramProcess> {
    const urls: Record<string, string> = {};
    const reads: string[] = [];
    for (const name of program.modules) {
      const entry = require.resolve(name);
      urls[name] = pathToFileURL(entry).href;
      reads.push(packageDir(entry, name));
    }
    if (reads.some((dir) => dir.includes(","))) {
      throw new SandboxError(
        `Cannot run ${program.label}: a package path contains a comma, which Node's --allow-fs-read cannot take.`,
      );
    }
    const child = spawn(
      process.execPath,
      programNodeArgs(permissionFlag(), disabledModuleFlags(), reads, program, urls),
      { env: {}, stdio: ["pipe", "pipe", "pipe"], detached: true, cwd: tmpdir() },
    );
    const exited = new Promise<string>((resolve) => {
      child.once("error", (error) => resolve(`could not start: ${error.message}`));
      child.once("close", (code, signal) => resolve(signal ? `killed (${signal})` : `exit code ${code}`));
    });
    child.stdin.on("error", () => undefined);
    return {
      stdin: child.stdin,
      stdout: child.stdout,
      stderr: child.stderr,
      exited,
      kill: async () => {
        if (child.pid !== undefined && child.exitCode === null && child.signalCode === null) {
          try {
            process.kill(-child.pid, "SIGKILL"); // its whole process group: it started it detached
          } catch {
            // Already gone.
          }
        }
        await exited;
      },
    };
  }
}

/** The package directory of a resolved entry file (…/node_modules/typescript for …/typescript/lib/typescript.js). */
function packageDir(entry: string, name: string): string {
  const marker = `${path.sep}node_modules${path.sep}${name}${path.sep}`;
  const at = entry.lastIndexOf(marker);
  return at === -1 ? path.dirname(entry) : entry.slice(0, at + marker.length - 1);
}
