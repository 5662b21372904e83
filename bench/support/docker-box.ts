// A throwaway container for the naive design's figures (docker exec per command): created from the local
// node:24-bookworm-slim image (never pulled), no network, labelled, removed afterwards.
import { execFile, spawn } from "node:child_process";
import { promisify } from "node:util";

const run = promisify(execFile);

export const BASE_IMAGE = "node:24-bookworm-slim";
export const BENCH_LABEL = "ts-coding-agent.bench=1";

/** True when a Docker engine answers and the image exists locally. */
export async function dockerReady(image = BASE_IMAGE): Promise<boolean> {
  try {
    await run("docker", ["image", "inspect", image], { timeout: 10_000 });
    return true;
  } catch {
    return false;
  }
}

/** A running idle container; `exec` runs one command in it through the docker CLI. */
export interface DockerBox {
  name: string;
  exec(args: readonly string[]): Promise<void>;
  remove(): Promise<void>;
}

export async function startDockerBox(image = BASE_IMAGE): Promise<DockerBox> {
  const name = `tca-bench-${process.pid}-${Date.now()}`;
  await run(
    "docker",
    ["run", "-d", "--rm", "--name", name, "--label", BENCH_LABEL, "--network", "none", image, "sleep", "600"],
    { timeout: 60_000 },
  );
  return {
    name,
    exec: (args) => exitsZero("docker", ["exec", name, ...args]),
    remove: async () => {
      await run("docker", ["rm", "-f", name], { timeout: 30_000 }).catch(() => undefined);
    },
  };
}

/** Spawns a command and resolves when it exits 0 (rejects otherwise). */
export function exitsZero(
  command: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv = process.env,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: "ignore", env });
    child.on("error", reject);
    child.on("close", (code) =>
      code === 0 ? resolve() : reject(new Error(`${command} ${args.join(" ")} exited ${code}`)),
    );
  });
}
