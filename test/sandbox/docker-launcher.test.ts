// The docker sandbox against a real engine: the toolhost over attached stdio in a container whose inspect shows
// every hardening setting, no network, cleanup on dispose, and a killed or bombed sandbox handled as data.
import { stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { ToolHub } from "../../agent/src/hub/tool-hub.js";
import type { DockerLauncher } from "../../agent/src/sandbox/docker.js";
import {
  buildTestImage,
  connect,
  docker,
  removeDir,
  removeSessions,
  requireDocker,
  sandboxDir,
  sessionContainers,
  testLauncher,
} from "./docker-support.js";

let workspace: string;
let dynamicTools: string;
const launchers: DockerLauncher[] = [];

function launcher(overrides: Parameters<typeof testLauncher>[1] = {}): DockerLauncher {
  const created = testLauncher(workspace, { dynamicToolsDir: dynamicTools, ...overrides });
  launchers.push(created);
  return created;
}

beforeAll(async () => {
  await requireDocker();
  await buildTestImage();
  workspace = await sandboxDir("docker-ws-");
  dynamicTools = await sandboxDir("docker-dyn-");
}, 900_000);

afterEach(async () => {
  for (const created of launchers.splice(0)) {
    await created.dispose();
    await removeSessions(created.sessionId);
  }
});

afterAll(async () => {
  await removeDir(workspace);
  await removeDir(dynamicTools);
});

describe("a sandbox container", () => {
  it("has what a coding sandbox is expected to have: python (python3), pytest, pip, venv, git, node, npm", async () => {
    const { client, call } = await connect(launcher({ sessionId: "toolbox-test" }));
    try {
      await call("write_file", {
        path: "test_toolbox.py",
        content: "def test_one():\n    assert 1 + 1 == 2\n",
      });
      const result = await call("shell", {
        command:
          "python --version && python -m pip --version >/dev/null && python -m venv --help >/dev/null && " +
          "python -m pytest -q -p no:cacheprovider test_toolbox.py && git --version && node --version && npm --version",
      });
      expect(result.isError, result.text).toBe(false);
      expect(result.text).toMatch(/^Python 3\.\d+/);
      expect(result.text).toContain("1 passed");
      expect(result.text).toMatch(/git version \d/);
      expect(result.text).toMatch(/\nv24\./);
    } finally {
      await client.close();
    }
  });

  it("serves the built-in tools from a container that docker inspect shows hardened", async () => {
    process.env.DOCKER_TEST_SECRET_API_KEY = "sk-never-in-the-sandbox-0123456789";
    const sandbox = launcher({ sessionId: "hardening-test" });
    const { client, call } = await connect(sandbox);
    try {
      const tools = (await client.listTools()).tools.map((tool) => tool.name);
      expect(tools).toEqual(expect.arrayContaining(["shell", "write_file", "install_dependency"]));
      expect(await call("write_file", { path: "from-sandbox.txt", content: "hello" })).toMatchObject({
        isError: false,
      });
      const id = sandbox.containerId ?? "";
      const info = await docker.getContainer(id).inspect();
      const host = info.HostConfig;
      expect(info.Config.User).toBe("1000:1000");
      expect(host.CapDrop).toEqual(["ALL"]);
      expect(host.SecurityOpt).toEqual(["no-new-privileges"]);
      expect(host.ReadonlyRootfs).toBe(true);
      expect(Object.keys(host.Tmpfs ?? {}).sort()).toEqual(["/home/sandbox", "/tmp"]);
      expect(host.PidsLimit).toBe(128);
      expect(host.Memory).toBe(256 * 1024 * 1024);
      expect(host.NanoCpus).toBe(1e9);
      expect(host.NetworkMode).toBe("none");
      expect(host.Init).toBe(true);
      expect(host.Privileged).toBe(false);
      expect(host.Binds).toEqual([`${workspace}:/workspace:rw`, `${dynamicTools}:/dynamic-tools:rw`]);
      expect(info.Mounts.map((mount) => mount.Destination).sort()).toEqual(["/dynamic-tools", "/workspace"]);
      expect(info.Config.Labels).toMatchObject({
        "ts-coding-agent.sandbox": "1",
        "ts-coding-agent.session": "hardening-test",
        "ts-coding-agent.role": "toolhost",
        "ts-coding-agent.owner-pid": String(process.pid),
      });
      // Docker adds the image's own variables (NODE_VERSION, ...); every other one is ours, and only these.
      const names = (env: string[] | undefined) => (env ?? []).map((entry) => entry.split("=")[0] ?? "");
      const imageNames = names((await docker.getImage(info.Image).inspect()).Config.Env);
      const allowed = new Set([...imageNames, "HOME", "LANG", "PATH", "TMPDIR"]);
      expect(names(info.Config.Env).filter((name) => !allowed.has(name))).toEqual([]);
      expect(info.Config.Env).toContain("HOME=/home/sandbox");
      expect(JSON.stringify(info)).not.toContain("sk-never-in-the-sandbox");
      const written = await stat(join(workspace, "from-sandbox.txt"));
      expect(written.uid).toBe(1000);
    } finally {
      delete process.env.DOCKER_TEST_SECRET_API_KEY;
      await client.close();
    }
  });

  it("has no network, a read-only root, a writable home and /tmp, and runs as a non-root user", async () => {
    const { client, call } = await connect(launcher());
    try {
      const result = await call("shell", {
        command: [
          "id -u",
          "curl -sS -m 3 http://1.1.1.1 >/dev/null 2>&1 && echo NET-OPEN || echo NET-CLOSED",
          "touch /usr/probe 2>/dev/null && echo ROOT-WRITABLE || echo ROOT-READONLY",
          "touch ~/probe /tmp/probe && echo HOME-TMP-WRITABLE",
          "test -S /var/run/docker.sock && echo SOCKET || echo NO-SOCKET",
          'test -z "$(ls -A /data 2>/dev/null)" && echo NO-AGENT-DATA',
        ].join("; "),
      });
      expect(result.isError).toBe(false);
      expect(result.text).toMatch(/^1000$/m);
      for (const word of ["NET-CLOSED", "ROOT-READONLY", "HOME-TMP-WRITABLE", "NO-SOCKET", "NO-AGENT-DATA"]) {
        expect(result.text).toContain(word);
      }
    } finally {
      await client.close();
    }
  });

  it("is removed by dispose, and each launch replaces the previous container", async () => {
    const sandbox = launcher();
    const first = await connect(sandbox);
    const firstId = sandbox.containerId;
    const second = await connect(sandbox);
    expect(sandbox.containerId).not.toBe(firstId);
    expect(await sessionContainers(sandbox.sessionId)).toEqual([sandbox.containerId]);
    expect((await second.call("shell", { command: "echo again" })).text).toContain("again");
    await sandbox.dispose();
    expect(await sessionContainers(sandbox.sessionId)).toEqual([]);
    await first.client.close();
    await second.client.close();
  });
});

describe("a sandbox that fails", () => {
  it("is relaunched by the next call after being killed, and the result says what happened", async () => {
    const sandbox = launcher();
    const hub = new ToolHub({ launcher: sandbox, servers: [] });
    const signal = new AbortController().signal;
    try {
      await writeFile(join(workspace, "kept.txt"), "survives");
      await hub.listTools();
      expect((await hub.callTool("shell", { command: "echo one" }, { signal })).text).toContain("one");
      const killed = sandbox.containerId ?? "";
      await docker.getContainer(killed).kill();
      await expect
        .poll(() => sessionContainers(sandbox.sessionId), { timeout: 20_000 })
        .not.toContain(killed);
      const after = await hub.callTool("shell", { command: "cat kept.txt" }, { signal });
      expect(after.text).toMatch(/^\[The sandbox was restarted because the sandbox container .* was killed/);
      expect(after.text).toContain("exit code 137");
      expect(after.text).toContain("survives");
      expect(sandbox.containerId).not.toBe(killed);
    } finally {
      await hub.close();
    }
    expect(await sessionContainers(sandbox.sessionId)).toEqual([]);
  });

  it("turns a fork bomb and a memory bomb into error results and keeps serving", async () => {
    const { client, call } = await connect(launcher({ limits: { memoryMb: 128, cpus: 1, pidsLimit: 64 } }));
    try {
      const fork = await call("shell", { command: "b(){ b|b& }; b; sleep 60", timeout_seconds: 5 });
      expect(fork.isError).toBe(true);
      // The pids limit stopped it, not the machine.
      expect(fork.text).toContain("Resource temporarily unavailable");
      const memory = await call("shell", {
        command: "python3 -c 'x = bytearray(512 * 1024 * 1024); print(len(x))'",
      });
      expect(memory.isError).toBe(true);
      expect(memory.text).toMatch(/killed by signal SIGKILL|MemoryError|exit code 137/);
      expect((await call("shell", { command: "echo still-alive" })).text).toContain("still-alive");
    } finally {
      await client.close();
    }
  });
});
