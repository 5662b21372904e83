// Node programs in their own container of the sandbox image: hardened like the sandbox, and with no mount, no
// network, no environment and no Docker socket, so all the program can reach is its stdio. Skills run here.
import { PassThrough } from "node:stream";
import type Dockerode from "dockerode";
import { type SandboxLimits, sandboxContainerSpec } from "./docker-container-spec.js";
import { forgetAtExit, removeAtExit } from "./docker-exit-hook.js";
import {
  type NodeProgram,
  type NodeProgramProcess,
  type NodeProgramRunner,
  programNodeArgs,
} from "./node-program.js";
import type { OwnerIdentity } from "./owner-identity.js";

/** Where the image keeps the packages programs may import (Dockerfile: /app/node_modules). */
const IMAGE_MODULES = "/app/node_modules";
/** The image's node, and the flags it takes (Node 24). */
const IMAGE_NODE = "/usr/local/bin/node";
const IMAGE_PERMISSION = "--permission";
const IMAGE_DISABLED = ["--no-experimental-sqlite"];
/** Module entry files in the image, by package. */
const IMAGE_ENTRIES: Record<string, string> = { typescript: "typescript/lib/typescript.js" };

export interface DockerNodeProgramOptions {
  docker: Dockerode;
  image: string;
  sessionId: string;
  owner: OwnerIdentity;
  limits: SandboxLimits;
  /** Turns a Docker failure into a SandboxError naming the fix. */
  failure: (error: unknown, doing: string) => Error;
}

let programs = 0;

export class DockerNodeProgramRunner implements NodeProgramRunner {
  readonly isolation = "container" as const;

  constructor(private readonly options: DockerNodeProgramOptions) {}

  async start(program: NodeProgram): Promise<NodeProgramProcess> {
    const { docker, image, sessionId, owner, limits } = this.options;
    const urls: Record<string, string> = {};
    const reads: string[] = [];
    for (const name of program.modules) {
      const entry = IMAGE_ENTRIES[name];
      if (entry === undefined) throw new Error(`DockerNodeProgramRunner: no known entry for module ${name}`);
      urls[name] = `file://${IMAGE_MODULES}/${entry}`;
      reads.push(`${IMAGE_MODULES}/${name}`);
    }
    const spec = sandboxContainerSpec({
      role: "skill",
      image,
      name: `tca-program-${sessionId}-${++programs}`,
      sessionId,
      owner,
      ownerPid: process.pid,
      mounts: {},
      network: "none",
      user: { uid: 1000, gid: 1000 },
      limits,
      cmd: [IMAGE_NODE, ...programNodeArgs(IMAGE_PERMISSION, IMAGE_DISABLED, reads, program, urls)],
      tmpMb: 16,
    });
    let container: Dockerode.Container;
    try {
      container = await docker.createContainer(spec);
    } catch (error) {
      throw this.options.failure(error, `creating the container for ${program.label}`);
    }
    const socketPath = (docker.modem as { socketPath?: unknown }).socketPath;
    removeAtExit(container.id, typeof socketPath === "string" ? socketPath : undefined);
    const remove = async () => {
      await container.remove({ force: true }).catch(() => undefined);
      forgetAtExit(container.id);
    };
    try {
      const stream = await container.attach({
        stream: true,
        stdin: true,
        stdout: true,
        stderr: true,
        hijack: true,
      });
      const stdout = new PassThrough();
      const stderr = new PassThrough();
      container.modem.demuxStream(stream, stdout, stderr);
      stream.on("error", () => undefined);
      const exited = new Promise<string>((resolve) => {
        let done = false;
        const end = () => {
          if (done) return;
          done = true;
          stdout.end();
          stderr.end();
          void container
            .inspect()
            .then(
              (info) => `exit code ${info.State.ExitCode}${info.State.OOMKilled ? " (out of memory)" : ""}`,
            )
            .catch(() => "gone")
            .then(async (how) => {
              await remove();
              resolve(how);
            });
        };
        stream.once("end", end);
        stream.once("close", end);
      });
      await container.start();
      return {
        stdin: stream as unknown as NodeProgramProcess["stdin"],
        stdout,
        stderr,
        exited,
        kill: async () => {
          await container.kill().catch(() => undefined);
          await Promise.race([exited, remove()]);
        },
      };
    } catch (error) {
      await remove();
      throw this.options.failure(error, `starting the container for ${program.label}`);
    }
  }
}
