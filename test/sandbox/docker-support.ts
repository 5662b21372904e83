// Shared setup of the Docker sandbox tests: a reachable daemon (or a clear failure), the agent image built once
// from this tree (layer cache makes rebuilds cheap), workspaces the sandbox user owns, and label-based cleanup.
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { chown, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import Dockerode from "dockerode";
import { InstallDependencyTools } from "../../agent/src/hub/install-dependency-tools.js";
import { ToolHub } from "../../agent/src/hub/tool-hub.js";
import type { ToolResult } from "../../agent/src/loop/tools.js";
import { DockerLauncher, type DockerLauncherOptions } from "../../agent/src/sandbox/docker.js";
import { SESSION_LABEL } from "../../agent/src/sandbox/docker-container-spec.js";

const run = promisify(execFile);
export const repoRoot = resolve(fileURLToPath(import.meta.url), "..", "..", "..");
/**
 * The image the tests build and run; never the user's `latest`, and one per checkout, so two worktrees testing
 * on one engine at once never run each other's build.
 */
export const TEST_IMAGE = `ts-coding-agent:test-${createHash("sha256").update(repoRoot).digest("hex").slice(0, 8)}`;
export const docker = new Dockerode();

/** Fails with the reason when no daemon answers: these tests need a real Docker engine. */
export async function requireDocker(): Promise<void> {
  try {
    await docker.ping();
  } catch (error) {
    throw new Error(
      `The Docker sandbox tests need a running Docker engine at /var/run/docker.sock (or DOCKER_HOST): ${String(error)}`,
    );
  }
}

let built: Promise<void> | undefined;

/** Builds TEST_IMAGE from the repository (cached layers; a few seconds when nothing changed). */
export function buildTestImage(): Promise<void> {
  built ??= run("docker", ["build", "--pull=false", "-q", "-t", TEST_IMAGE, "."], {
    cwd: repoRoot,
    maxBuffer: 16 * 1024 * 1024,
  }).then(
    () => undefined,
    (error: { stderr?: string }) => {
      throw new Error(`docker build of ${TEST_IMAGE} failed:\n${error.stderr ?? String(error)}`);
    },
  );
  return built;
}

/** A fresh directory owned by the sandbox user (uid 1000), as a user's workspace would be. */
export async function sandboxDir(prefix: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  await chown(dir, 1000, 1000);
  return dir;
}

export async function removeDir(dir: string | undefined): Promise<void> {
  if (dir) await rm(dir, { recursive: true, force: true });
}

/** A launcher for TEST_IMAGE with small limits; `overrides` win. */
export function testLauncher(
  workspace: string,
  overrides: Partial<DockerLauncherOptions> = {},
): DockerLauncher {
  return new DockerLauncher({
    image: TEST_IMAGE,
    workspace,
    network: "none",
    installNetwork: "none",
    installAllowUrls: false,
    limits: { memoryMb: 256, cpus: 1, pidsLimit: 128 },
    shellTimeoutSeconds: 60,
    shellMaxTimeoutSeconds: 120,
    docker,
    ...overrides,
  });
}

/** An MCP client over a fresh launch; `call` returns the text and error flag. */
export async function connect(launcher: DockerLauncher): Promise<{
  client: Client;
  call: (name: string, args: Record<string, unknown>) => Promise<{ text: string; isError: boolean }>;
}> {
  const handle = await launcher.launch();
  const client = new Client({ name: "docker-test", version: "0.0.0" });
  await client.connect(handle.transport, { timeout: 60_000 });
  const call = async (name: string, args: Record<string, unknown>) => {
    const result = (await client.callTool({ name, arguments: args }, undefined, {
      timeout: 120_000,
    })) as CallToolResult;
    const text = result.content.map((part) => (part.type === "text" ? part.text : "")).join("");
    return { text, isError: result.isError === true };
  };
  return { client, call };
}

/**
 * The launcher's tools as the agent composes them (main.ts): a ToolHub over the sandbox, with install_dependency
 * answered by the launcher's installer. `close` disposes the launcher.
 */
export function sandboxTools(launcher: DockerLauncher): {
  call: (name: string, args: Record<string, unknown>) => Promise<ToolResult>;
  close: () => Promise<void>;
} {
  const hub = new ToolHub({ launcher, servers: [] });
  const tools = new InstallDependencyTools(hub, launcher.installer);
  return {
    call: (name, args) => tools.callTool(name, args, { signal: AbortSignal.timeout(120_000) }),
    close: () => hub.close(),
  };
}

/** Ids of the containers (running or not) labelled with this session. */
export async function sessionContainers(sessionId: string): Promise<string[]> {
  const list = await docker.listContainers({
    all: true,
    filters: JSON.stringify({ label: [`${SESSION_LABEL}=${sessionId}`] }),
  });
  return list.map((info) => info.Id);
}

/** Removes every container of these sessions (a failed test must not leave any). */
export async function removeSessions(...sessionIds: string[]): Promise<void> {
  for (const sessionId of sessionIds) {
    for (const id of await sessionContainers(sessionId)) {
      await docker
        .getContainer(id)
        .remove({ force: true })
        .catch(() => undefined);
    }
  }
}
