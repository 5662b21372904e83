// install_dependency: the spec validation table, argv-only commands, and through the docker sandbox a real
// install in a short-lived hardened container that writes into the workspace's .venv and leaves nothing behind.
import { execFileSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { validateInstallRequest } from "@ts-coding-agent/toolhost";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import type { DockerLauncher } from "../../agent/src/sandbox/docker.js";
import { imageInstallCommand } from "../../agent/src/sandbox/image-install-command.js";
import { installCommand } from "../../mcp-servers/toolhost/src/tools/install-dependency.js";
import {
  buildTestImage,
  docker,
  removeDir,
  removeSessions,
  requireDocker,
  sandboxDir,
  sandboxTools,
  TEST_IMAGE,
  testLauncher,
} from "./docker-support.js";

// Each install starts a networked container and runs pip or npm in it: a budget for a busy shared machine.
vi.setConfig({ testTimeout: 120_000, hookTimeout: 120_000 });

describe("package spec validation", () => {
  const ok = (manager: "pip" | "npm", spec: string, allowUrls = false) =>
    validateInstallRequest(manager, [spec], { allowUrls }).packages;

  it.each([
    ["pip", "requests"],
    ["pip", "requests==2.32.3"],
    ["pip", "uvicorn[standard]>=0.30,<1"],
    ["pip", "numpy~=2.0"],
    ["pip", "Django==5.*"],
    ["npm", "lodash"],
    ["npm", "lodash@4.17.21"],
    ["npm", "@types/node@20"],
    ["npm", "react@^18.2.0"],
  ] as const)("accepts the %s spec %s", (manager, spec) => {
    expect(ok(manager, spec)).toEqual([spec]);
  });

  it.each([
    ["pip", "--index-url=https://evil.example"],
    ["pip", "-e ."],
    ["pip", "requests; rm -rf /"],
    ["pip", "requests && curl x"],
    ["pip", "$(whoami)"],
    ["pip", "`id`"],
    ["pip", "../local/path"],
    ["pip", "requests\nflask"],
    ["pip", "requests flask"],
    ["npm", "lodash|sh"],
    ["npm", "file:../secret"],
    ["npm", "git@github.com:x/y.git"],
    ["npm", "--global"],
    ["npm", "LODASH"],
    ["pip", ""],
    ["pip", "a".repeat(201)],
  ] as const)("refuses the %s spec %j", (manager, spec) => {
    expect(() => ok(manager, spec)).toThrow(/not a valid|flag|empty or longer/);
  });

  it("refuses URLs unless allowed, then accepts only plain http(s) ones", () => {
    expect(() => ok("pip", "https://example.com/pkg.whl")).toThrow(/INSTALL_ALLOW_URLS/);
    expect(ok("pip", "https://example.com/pkg-1.0-py3-none-any.whl", true)).toHaveLength(1);
    expect(() => ok("pip", "https://example.com/$(id)", true)).toThrow(/plain http/);
  });

  it("refuses an empty list and more than 32 packages", () => {
    expect(() => validateInstallRequest("npm", [], { allowUrls: false })).toThrow(/between 1 and 32/);
    const many = Array.from({ length: 33 }, (_, i) => `p${i}`);
    expect(() => validateInstallRequest("npm", many, { allowUrls: false })).toThrow(/between 1 and 32/);
  });

  it("passes specs as separate argv entries, never inside the script text", () => {
    const argv = installCommand({ manager: "pip", packages: ["a==1", "b>=2"] });
    expect(argv.slice(-2)).toEqual(["a==1", "b>=2"]);
    expect(argv[2]).not.toContain("a==1");
    expect(installCommand({ manager: "npm", packages: ["x@1"] }).at(-1)).toBe("x@1");
    const image = imageInstallCommand({ manager: "pip", packages: ["a==1", "b>=2"] });
    expect(image.slice(-2)).toEqual(["a==1", "b>=2"]);
    expect(image.slice(0, -2).join(" ")).not.toMatch(/a==1|b>=2/);
    expect(imageInstallCommand({ manager: "npm", packages: ["x@1"] }).at(-1)).toBe("x@1");
  });
});

describe("install_dependency in the docker sandbox, answered by the launcher's installer through the hub", () => {
  let workspace: string;
  let launcher: DockerLauncher;

  beforeAll(async () => {
    await requireDocker();
    await buildTestImage();
  }, 900_000);

  afterEach(async () => {
    await launcher.dispose();
    await removeSessions(launcher.sessionId);
    await removeDir(workspace);
  });

  afterAll(async () => {
    await removeDir(workspace);
  });

  async function installContainers(sessionId: string): Promise<number> {
    const list = await docker.listContainers({
      all: true,
      filters: JSON.stringify({
        label: [`ts-coding-agent.session=${sessionId}`, "ts-coding-agent.role=install"],
      }),
    });
    return list.length;
  }

  it("returns pip's own error, trimmed, when the registry is unreachable, and leaves no container", async () => {
    workspace = await sandboxDir("install-ws-");
    launcher = testLauncher(workspace, { installNetwork: "none" });
    const { call, close } = sandboxTools(launcher);
    try {
      const result = await call("install_dependency", { manager: "pip", packages: ["requests==2.32.3"] });
      expect(result.isError).toBe(true);
      expect(result.text).toMatch(/^Installing requests==2.32.3 failed: pip exited with code 1\./);
      expect(result.text).toMatch(/No matching distribution|Could not find a version/);
      expect(result.text.length).toBeLessThan(3_500);
      // It ran against the workspace: the venv it created persists there.
      expect(existsSync(join(workspace, ".venv", "bin", "python"))).toBe(true);
      expect(await installContainers(launcher.sessionId)).toBe(0);
    } finally {
      await close();
    }
  });

  it("installs a package into the workspace's .venv, where the sandbox's python finds it", async () => {
    workspace = await sandboxDir("install-ws-");
    // A package index of our own instead of the internet: a container serving one wheel on an internal network.
    const wheels = await sandboxDir("install-wheels-");
    const index = await startWheelIndex(wheels);
    launcher = testLauncher(workspace, { installNetwork: index.network, installAllowUrls: true });
    const { call, close } = sandboxTools(launcher);
    try {
      const url = `http://${index.host}:8000/e2e_demo-1.0-py3-none-any.whl`;
      const result = await call("install_dependency", { manager: "pip", packages: [url] });
      expect(result).toMatchObject({ isError: false });
      expect(result.text).toMatch(/^Installed http:\S+ into \.venv/);
      const check = await call("shell", {
        command: ".venv/bin/python -c 'import e2e_demo; print(e2e_demo.VALUE)' && head -1 .venv/bin/e2e-demo",
      });
      expect(check.text).toContain("installed-in-workspace");
      // Entry points run with the venv's python, like a venv's own pip would have written them.
      expect(check.text).toContain("#!/workspace/.venv/bin/python");
      // The venv the install created has pip, for the model's offline use.
      expect((await call("shell", { command: ".venv/bin/python -m pip --version" })).text).toMatch(/^pip /);
      expect(await installContainers(launcher.sessionId)).toBe(0);
    } finally {
      await close();
      await index.stop();
      await removeDir(wheels);
    }
  });

  it("runs none of the workspace's code in the networked install container", async () => {
    workspace = await sandboxDir("install-ws-");
    // What code in the sandbox can plant for the installer to run with network: the venv's pip and python, a
    // .pth file and a keyring module in its site-packages, a pip.conf pointing at a local sdist whose setup.py
    // runs, a pip module in the working directory, and for npm a git= in .npmrc, a git dependency, lifecycle
    // scripts in package.json and an install script in a file: dependency.
    const planted = (name: string) => `open('/workspace/pwned-${name}', 'w')`;
    const site = join(workspace, ".venv", "lib", "python3.11", "site-packages");
    mkdirSync(join(site, "keyring"), { recursive: true });
    mkdirSync(join(workspace, ".venv", "bin"), { recursive: true });
    mkdirSync(join(workspace, "pip"));
    mkdirSync(join(workspace, "sdists"));
    mkdirSync(join(workspace, "local"));
    const files: Record<string, string> = {
      ".venv/pyvenv.cfg": "home = /usr/bin\ninclude-system-site-packages = false\nversion = 3.11.2\n",
      ".venv/bin/pip": "#!/bin/sh\ntouch /workspace/pwned-venv-pip\n",
      ".venv/bin/python": "#!/bin/sh\ntouch /workspace/pwned-venv-python\n",
      ".venv/pip.conf": "[global]\nno-index = true\nfind-links = /workspace/sdists\n",
      ".venv/lib/python3.11/site-packages/evil.pth": `import os; ${planted("pth")}\n`,
      ".venv/lib/python3.11/site-packages/keyring/__init__.py": `${planted("keyring")}\n`,
      "pip/__init__.py": `${planted("cwd-pip")}\n`,
      "pip/__main__.py": `${planted("cwd-pip-main")}\n`,
      "evil.sh": "#!/bin/sh\ntouch /workspace/pwned-npm-git\nexit 1\n",
      ".npmrc": "git=/workspace/evil.sh\nfetch-retries=0\n",
      "package.json": JSON.stringify({
        name: "victim",
        version: "1.0.0",
        scripts: { preinstall: "touch pwned-preinstall", postinstall: "touch pwned-postinstall" },
        dependencies: { gitdep: "git+https://example.invalid/x.git", local: "file:./local" },
      }),
      "local/package.json": JSON.stringify({
        name: "local",
        version: "1.0.0",
        scripts: { install: "touch /workspace/pwned-file-dep" },
      }),
    };
    for (const [path, content] of Object.entries(files)) writeFileSync(join(workspace, path), content);
    chmodSync(join(workspace, ".venv", "bin", "pip"), 0o755);
    chmodSync(join(workspace, ".venv", "bin", "python"), 0o755);
    chmodSync(join(workspace, "evil.sh"), 0o755);
    execFileSync("python3", ["-c", SDIST_SCRIPT, join(workspace, "sdists")]);
    execFileSync("chown", ["-R", "1000:1000", workspace]);
    launcher = testLauncher(workspace, { installNetwork: "none" });
    const { call, close } = sandboxTools(launcher);
    try {
      const pip = await call("install_dependency", { manager: "pip", packages: ["e2e-demo==1.0"] });
      expect(pip.isError).toBe(true);
      expect(pip.text).toMatch(/pip exited with code 1/);
      const npm = await call("install_dependency", { manager: "npm", packages: ["lodash"] });
      expect(npm.isError).toBe(true);
      expect(readdirSync(workspace).filter((name) => name.startsWith("pwned-"))).toEqual([]);
      expect(await installContainers(launcher.sessionId)).toBe(0);
    } finally {
      await close();
    }
  });

  it("goes on through a toolhost relaunch, and is stopped by dispose with its container removed", async () => {
    workspace = await sandboxDir("install-ws-");
    const srv = await sandboxDir("install-held-");
    const index = await startHeldIndex(srv);
    launcher = testLauncher(workspace, { installNetwork: index.network, installAllowUrls: true });
    const { call, close } = sandboxTools(launcher);
    const url = `http://${index.host}:8000/held-1.0-py3-none-any.whl`;
    const running = () =>
      expect.poll(() => installContainers(launcher.sessionId), { timeout: 60_000 }).toBe(1);
    try {
      // A relaunch of the toolhost (what the hub does after a crash) leaves the install alone: it ends with
      // the index's own answer (404), not as cancelled.
      const first = call("install_dependency", { manager: "pip", packages: [url] });
      await running();
      await launcher.launch();
      writeFileSync(join(srv, "release"), "");
      const answered = await first;
      expect(answered.isError).toBe(true);
      expect(answered.text).toMatch(/pip exited with code 1/);
      expect(answered.text).not.toMatch(/cancelled/);
      await expect.poll(() => installContainers(launcher.sessionId)).toBe(0);

      // dispose() (the agent ends) stops an install still waiting on the index, and removes its container.
      rmSync(join(srv, "release"));
      const second = call("install_dependency", { manager: "pip", packages: [url] });
      await running();
      await launcher.dispose();
      const stopped = await second;
      expect(stopped.isError).toBe(true);
      expect(stopped.text).toMatch(/^Installing \S+ failed: cancelled\./);
      expect(await installContainers(launcher.sessionId)).toBe(0);
    } finally {
      await close();
      await index.stop();
      await removeDir(srv);
    }
  });

  it("refuses a bad spec without starting any container", async () => {
    workspace = await sandboxDir("install-ws-");
    launcher = testLauncher(workspace);
    const { call, close } = sandboxTools(launcher);
    try {
      const result = await call("install_dependency", { manager: "npm", packages: ["lodash; curl evil"] });
      expect(result.isError).toBe(true);
      expect(result.text).toContain("is not a valid npm package spec");
      const wrong = await call("install_dependency", { manager: "cargo", packages: ["serde"] });
      expect(wrong).toMatchObject({ isError: true });
      expect(wrong.text).toContain("Invalid arguments for install_dependency");
      expect(await installContainers(launcher.sessionId)).toBe(0);
      expect(existsSync(join(workspace, "node_modules"))).toBe(false);
    } finally {
      await close();
    }
  });
});

/** Serves `dir` over HTTP from a container on a fresh internal network; the install container joins it. */
async function startWheelIndex(
  dir: string,
): Promise<{ network: string; host: string; stop: () => Promise<void> }> {
  execFileSync("python3", ["-c", WHEEL_SCRIPT, dir]);
  execFileSync("chown", ["-R", "1000:1000", dir]);
  const network = `tca-test-index-net-${process.pid}`;
  const host = `tca-test-index-${process.pid}`;
  await docker.createNetwork({ Name: network, Internal: true });
  const container = await docker.createContainer({
    name: host,
    Image: TEST_IMAGE,
    Entrypoint: [],
    Cmd: ["python3", "-m", "http.server", "8000", "--bind", "0.0.0.0", "--directory", "/srv"],
    User: "1000:1000",
    HostConfig: { NetworkMode: network, Binds: [`${dir}:/srv:ro`], AutoRemove: false },
  });
  const stop = async () => {
    await container.remove({ force: true }).catch(() => undefined);
    await docker
      .getNetwork(network)
      .remove()
      .catch(() => undefined);
  };
  try {
    await container.start();
    const probe = "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/', timeout=2)";
    await expect
      .poll(
        async () => {
          const exec = await container.exec({ Cmd: ["python3", "-c", probe], AttachStdout: true });
          const stream = await exec.start({});
          await new Promise((resolve) => stream.on("end", resolve).resume());
          return (await exec.inspect()).ExitCode;
        },
        { timeout: 30_000, interval: 250 },
      )
      .toBe(0);
  } catch (error) {
    await stop();
    throw error;
  }
  return { network, host, stop };
}

/**
 * An index on a fresh internal network that holds every request until `<dir>/release` exists, then answers
 * 404: an install that stays running for as long as the test needs.
 */
async function startHeldIndex(
  dir: string,
): Promise<{ network: string; host: string; stop: () => Promise<void> }> {
  const network = `tca-test-held-net-${process.pid}`;
  const host = `tca-test-held-${process.pid}`;
  await docker.createNetwork({ Name: network, Internal: true });
  const container = await docker.createContainer({
    name: host,
    Image: TEST_IMAGE,
    Entrypoint: [],
    Cmd: ["python3", "-c", HELD_INDEX_SCRIPT],
    User: "1000:1000",
    HostConfig: { NetworkMode: network, Binds: [`${dir}:/srv:ro`], AutoRemove: false },
  });
  const stop = async () => {
    await container.remove({ force: true }).catch(() => undefined);
    await docker
      .getNetwork(network)
      .remove()
      .catch(() => undefined);
  };
  try {
    await container.start();
  } catch (error) {
    await stop();
    throw error;
  }
  return { network, host, stop };
}

const HELD_INDEX_SCRIPT = `
import http.server, os, time
class Held(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        while not os.path.exists("/srv/release"):
            time.sleep(0.1)
        self.send_response(404)
        self.end_headers()
http.server.ThreadingHTTPServer(("0.0.0.0", 8000), Held).serve_forever()
`;

// Writes a minimal pure-Python wheel e2e_demo 1.0 with a console script.
const WHEEL_SCRIPT = `
import sys, zipfile, os
out = sys.argv[1]
with zipfile.ZipFile(os.path.join(out, "e2e_demo-1.0-py3-none-any.whl"), "w") as z:
    z.writestr("e2e_demo/__init__.py", "VALUE = 'installed-in-workspace'\\ndef main():\\n    print(VALUE)\\n")
    z.writestr("e2e_demo-1.0.dist-info/METADATA", "Metadata-Version: 2.1\\nName: e2e-demo\\nVersion: 1.0\\n")
    z.writestr("e2e_demo-1.0.dist-info/WHEEL", "Wheel-Version: 1.0\\nGenerator: test\\nRoot-Is-Purelib: true\\nTag: py3-none-any\\n")
    z.writestr("e2e_demo-1.0.dist-info/entry_points.txt", "[console_scripts]\\ne2e-demo = e2e_demo:main\\n")
    z.writestr("e2e_demo-1.0.dist-info/RECORD", "")
`;

// Writes an sdist e2e-demo 1.0 whose setup.py leaves a mark when pip builds it.
const SDIST_SCRIPT = `
import io, sys, tarfile, os

out = sys.argv[1]
setup = b"open('/workspace/pwned-sdist', 'w')\\nfrom setuptools import setup\\nsetup(name='e2e-demo', version='1.0')\\n"
with tarfile.open(os.path.join(out, "e2e-demo-1.0.tar.gz"), "w:gz") as t:
    info = tarfile.TarInfo("e2e-demo-1.0/setup.py")
    info.size = len(setup)
    t.addfile(info, io.BytesIO(setup))
`;
