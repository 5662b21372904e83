// Around the sandbox: stale cleanup that spares live owners (judged by per-process labels), bind sources found in an agent container's own
// mounts, the agent's own container read from mountinfo, and Docker failures that name their fix.
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { chmod, mkdtemp, writeFile } from "node:fs/promises";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import Dockerode from "dockerode";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { kernelScope, processIdentity } from "../../agent/src/keys/process-identity.js";
import { SESSION_LABEL, sandboxContainerSpec } from "../../agent/src/sandbox/docker-container-spec.js";
import { describeContainerEnd } from "../../agent/src/sandbox/docker-errors.js";
import { detectAgentPlace, resolveBindSources } from "../../agent/src/sandbox/docker-host-paths.js";
import { removeStaleSandboxes } from "../../agent/src/sandbox/docker-stale.js";
import { SandboxError } from "../../agent/src/sandbox/launcher.js";
import { type OwnerIdentity, ownIdentity } from "../../agent/src/sandbox/owner-identity.js";
import {
  buildTestImage,
  connect,
  docker,
  removeDir,
  removeSessions,
  requireDocker,
  sandboxDir,
  sessionContainers,
  TEST_IMAGE,
  testLauncher,
} from "./docker-support.js";

const SESSION = `lifecycle-${process.pid}`;
let workspace: string;
const volumeName = `tca-test-volume-${process.pid}`;

beforeAll(async () => {
  await requireDocker();
  await buildTestImage();
  workspace = await sandboxDir("lifecycle-ws-");
}, 900_000);

afterAll(async () => {
  await removeSessions(SESSION);
  await docker
    .getVolume(volumeName)
    .remove()
    .catch(() => undefined);
  await removeDir(workspace);
});

const sessionFilter = { labels: [`${SESSION_LABEL}=${SESSION}`] };

function createIdle(
  owner: OwnerIdentity,
  name: string,
  extra: Partial<Dockerode.ContainerCreateOptions> = {},
  cmd = ["sleep", "300"],
) {
  const spec = sandboxContainerSpec({
    role: "toolhost",
    image: TEST_IMAGE,
    name,
    sessionId: SESSION,
    owner,
    ownerPid: 0,
    mounts: { workspace },
    network: "none",
    user: { uid: 1000, gid: 1000 },
    limits: { memoryMb: 64, cpus: 0.5, pidsLimit: 32 },
    cmd,
  });
  return docker.createContainer({ ...spec, ...extra });
}

/** A started container labelled as this owner's sandbox; with `cmd` ["true"] it has exited when this returns. */
async function startIdle(owner: OwnerIdentity, name: string, cmd?: string[]) {
  const container = await createIdle(owner, `${name}-${process.pid}`, {}, cmd);
  await container.start();
  if (cmd) await container.wait();
  return container.id;
}

async function deadPid(): Promise<number> {
  const child = spawn("true");
  await new Promise((resolve) => child.once("exit", resolve));
  return child.pid ?? 999_999;
}

/** Another agent's identity: a fresh instance id, and the process label given. */
function agent(process?: string, container?: string): OwnerIdentity {
  return {
    instance: randomBytes(16).toString("hex"),
    ...(process ? { process } : {}),
    ...(container ? { container } : {}),
  };
}

describe("stale sandbox cleanup", () => {
  afterEach(() => removeSessions(SESSION));

  it("keeps the running sandbox of another agent with the same hostname whose pid does not exist here", async () => {
    const scope = kernelScope() ?? "";
    const gonePid = await deadPid();
    // An older agent in another pid namespace (a container, a second VM session) with the same hostname, and
    // a current one: neither pid exists in this namespace, both agents are alive.
    const legacy = await startIdle({ instance: `host:${hostname()}/${gonePid}` }, "tca-test-samehost-legacy");
    const otherNamespace = `${scope.split(":")[0]}:1:${gonePid}:12345`;
    const current = await startIdle(agent(otherNamespace), "tca-test-samehost-current");
    const removed = await removeStaleSandboxes(docker, ownIdentity(), sessionFilter);
    expect(removed).toBe(0);
    expect(await sessionContainers(SESSION)).toEqual(expect.arrayContaining([legacy, current]));
  });

  it("removes only the sandboxes whose owner is provably gone", async () => {
    const sleeper = spawn("sleep", ["300"]);
    try {
      const live = processIdentity(sleeper.pid) ?? "";
      const scope = kernelScope() ?? "";
      const pid = sleeper.pid ?? 0;
      const kept = [
        await startIdle(agent(live), "tca-test-live-owner"),
        await startIdle(ownIdentity(), "tca-test-own-exited", ["true"]),
        await startIdle(agent(), "tca-test-just-exited", ["true"]),
      ];
      const gone = [
        await startIdle(agent(`${scope}:${await deadPid()}:1`), "tca-test-dead-owner"),
        await startIdle(agent(`${scope}:${pid}:1`), "tca-test-reused-pid"),
        await startIdle(agent(undefined, "f".repeat(64)), "tca-test-owner-container-gone"),
      ];
      expect(await removeStaleSandboxes(docker, ownIdentity(), sessionFilter)).toBe(gone.length);
      const left = await sessionContainers(SESSION);
      expect(left.sort()).toEqual([...kept].sort());

      // Stopped with an owner nobody can check: left behind once the grace period is over.
      expect(await removeStaleSandboxes(docker, ownIdentity(), { ...sessionFilter, exitedGraceMs: 0 })).toBe(
        1,
      );
      expect((await sessionContainers(SESSION)).sort()).toEqual(kept.slice(0, 2).sort());
    } finally {
      sleeper.kill();
    }
  });
});

describe("bind sources of an agent running in a container", () => {
  it("maps paths under the agent's bind mounts and named volumes to what the daemon can mount", async () => {
    const agentContainer = await createIdle(agent(), `tca-test-agent-${process.pid}`, {
      HostConfig: { Binds: [`${workspace}:/workspace:rw`, `${volumeName}:/dynamic-tools`] },
    });
    const place = { kind: "container" as const, id: agentContainer.id };
    const sources = await resolveBindSources(docker, place, [
      { agentPath: "/workspace", variable: "HOST_WORKSPACE_DIR" },
      { agentPath: "/workspace/sub/dir", variable: "HOST_WORKSPACE_DIR" },
      { agentPath: "/dynamic-tools", variable: "HOST_DYNAMIC_TOOLS_DIR" },
      { agentPath: "/elsewhere", explicit: "/srv/explicit", variable: "HOST_WORKSPACE_DIR" },
    ]);
    expect(sources).toEqual([workspace, join(workspace, "sub", "dir"), volumeName, "/srv/explicit"]);
    const unmounted = resolveBindSources(docker, place, [
      { agentPath: "/data", variable: "HOST_WORKSPACE_DIR" },
    ]);
    await expect(unmounted).rejects.toThrow(SandboxError);
    await expect(unmounted).rejects.toThrow(/set HOST_WORKSPACE_DIR to its path on the Docker host/);
    const partOfVolume = resolveBindSources(docker, place, [
      { agentPath: "/dynamic-tools/x", variable: "HOST_DYNAMIC_TOOLS_DIR" },
    ]);
    await expect(partOfVolume).rejects.toThrow(/cannot share a part of.*HOST_DYNAMIC_TOOLS_DIR/);
    await removeSessions(SESSION);
  });

  it("reads the agent's own container id from mountinfo, and says host when there is none", async () => {
    const id = "a".repeat(64);
    const file = join(workspace, "mountinfo");
    await writeFile(
      file,
      `612 600 8:1 /var/lib/docker/containers/${id}/hostname /etc/hostname rw,relatime - ext4 /dev/sda1 rw\n`,
    );
    expect(detectAgentPlace(file)).toEqual({ kind: "container", id });
    await writeFile(file, "22 1 8:1 / / rw,relatime - ext4 /dev/sda1 rw\n");
    expect(detectAgentPlace(file)).toEqual({ kind: "host" });
  });
});

describe("failures that name their fix", () => {
  it("says to build the image when it is missing", async () => {
    const launcher = testLauncher(workspace, { image: "ts-coding-agent:does-not-exist", sessionId: SESSION });
    await expect(launcher.launch()).rejects.toThrow(/does not exist\. Build it with docker compose build/);
  });

  it("says to mount the docker socket when there is none", async () => {
    const launcher = testLauncher(workspace, {
      docker: new Dockerode({ socketPath: join(workspace, "no-docker.sock") }),
      sessionId: SESSION,
    });
    await expect(launcher.launch()).rejects.toThrow(/no Docker socket .* mount \/var\/run\/docker\.sock/);
  });

  it("names an unknown network and the variable to fix", async () => {
    const launcher = testLauncher(workspace, { network: "tca-no-such-network", sessionId: SESSION });
    await expect(connect(launcher)).rejects.toThrow(
      /network tca-no-such-network does not exist.*SANDBOX_NETWORK/,
    );
    await launcher.dispose();
    expect(await sessionContainers(SESSION)).toEqual([]);
  });

  it("finds nothing to report before the first launch when Docker, the image and the workspace are fine", async () => {
    expect(await testLauncher(workspace, { sessionId: SESSION }).check()).toEqual([]);
  });

  it("reports a missing image and a missing socket before the first launch, one line each", async () => {
    const noImage = testLauncher(workspace, { image: "ts-coding-agent:does-not-exist", sessionId: SESSION });
    expect(await noImage.check()).toEqual([
      expect.stringMatching(
        /^Docker sandbox: the sandbox image ts-coding-agent:does-not-exist does not exist\. Build it/,
      ),
    ]);
    const socket = join(workspace, "no-docker.sock");
    const noSocket = testLauncher(workspace, {
      docker: new Dockerode({ socketPath: socket }),
      sessionId: SESSION,
    });
    expect(await noSocket.check()).toEqual([
      `Docker sandbox: no Docker socket at ${socket} while connecting to Docker. Start Docker; when the agent runs in a container, mount /var/run/docker.sock into it (docker-compose.yml does), or use --sandbox local.`,
    ]);
  });

  it("says whose a root-owned workspace is, before the first launch and when a write is refused", async () => {
    const rootOwned = await mkdtemp(join(tmpdir(), "lifecycle-root-ws-"));
    try {
      await chmod(rootOwned, 0o755);
      const launcher = testLauncher(rootOwned, { sessionId: SESSION });
      expect(await launcher.check()).toEqual([
        `The workspace ${rootOwned} belongs to root (uid 0) (mode 755) and the tools run as uid 1000: every write will fail. Fix: sudo chown -R "$(id -u):$(id -g)" ${rootOwned} on the host, or use a workspace you own.`,
      ]);
      const { client, call } = await connect(launcher);
      const written = await call("write_file", { path: "notes.txt", content: "x" });
      await client.close();
      await launcher.dispose();
      expect(written.isError).toBe(true);
      expect(written.text).toBe(
        "write_file failed: permission denied on notes.txt. The workspace folder belongs to root (uid 0) " +
          "(mode 755), and the tools run as uid 1000. Retrying will not help: the user must give the " +
          'workspace folder to their own user on the host (sudo chown -R "$(id -u):$(id -g)" <that folder on ' +
          "the host>; the workspace is the folder mounted at /workspace), or start the agent on a folder they own.",
      );
    } finally {
      await removeDir(rootOwned);
    }
  });

  it("describes how a container ended: OOM, killed, exit code, gone", () => {
    const label = "the sandbox container x";
    expect(describeContainerEnd({ oomKilled: true, exitCode: 137 }, label)).toContain("memory limit (OOM)");
    expect(describeContainerEnd({ exitCode: 137 }, label)).toContain("killed (SIGKILL");
    expect(describeContainerEnd({ exitCode: 2 }, label)).toContain("exited with code 2");
    expect(describeContainerEnd(undefined, label)).toContain("is gone");
  });
});
