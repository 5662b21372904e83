// install_dependency: the spec validation table, argv-only commands, and through the docker sandbox a real
// install in a short-lived hardened container that writes into the workspace's .venv and leaves nothing behind.
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { DockerLauncher } from "../../agent/src/sandbox/docker.js";
import { installCommand, validateInstallRequest } from "../../agent/src/toolhost/tools/install-dependency.js";
import {
  buildTestImage,
  connect,
  docker,
  removeDir,
  removeSessions,
  requireDocker,
  sandboxDir,
  testLauncher,
} from "./docker-support.js";

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
  });
});

describe("install_dependency in the docker sandbox", () => {
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
    const { client, call } = await connect(launcher);
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
      await client.close();
    }
  });

  it("installs a package into the workspace's .venv, where the sandbox's python finds it", async () => {
    workspace = await sandboxDir("install-ws-");
    launcher = testLauncher(workspace, { installNetwork: "none" });
    // A local index instead of the network: a wheel in the workspace, and pip.conf in the venv points at it.
    mkdirSync(join(workspace, "wheels"));
    execFileSync("python3", ["-c", WHEEL_SCRIPT, join(workspace, "wheels")]);
    execFileSync("chown", ["-R", "1000:1000", workspace]);
    const { client, call } = await connect(launcher);
    try {
      const venv = await call("shell", { command: "python3 -m venv .venv && cp wheels/pip.conf .venv/" });
      expect(venv.isError).toBe(false);
      const result = await call("install_dependency", { manager: "pip", packages: ["e2e-demo==1.0"] });
      expect(result).toMatchObject({ isError: false });
      expect(result.text).toMatch(/^Installed e2e-demo==1.0 into \.venv/);
      const check = await call("shell", {
        command: ".venv/bin/python -c 'import e2e_demo; print(e2e_demo.VALUE)'",
      });
      expect(check.text).toContain("installed-in-workspace");
      expect(await installContainers(launcher.sessionId)).toBe(0);
    } finally {
      await client.close();
    }
  });

  it("refuses a bad spec without starting any container", async () => {
    workspace = await sandboxDir("install-ws-");
    launcher = testLauncher(workspace);
    const { client, call } = await connect(launcher);
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
      await client.close();
    }
  });
});

// Writes a minimal pure-Python wheel e2e_demo 1.0 (and the pip.conf copy the test moves into the venv).
const WHEEL_SCRIPT = `
import sys, zipfile, os
out = sys.argv[1]
with zipfile.ZipFile(os.path.join(out, "e2e_demo-1.0-py3-none-any.whl"), "w") as z:
    z.writestr("e2e_demo/__init__.py", "VALUE = 'installed-in-workspace'\\n")
    z.writestr("e2e_demo-1.0.dist-info/METADATA", "Metadata-Version: 2.1\\nName: e2e-demo\\nVersion: 1.0\\n")
    z.writestr("e2e_demo-1.0.dist-info/WHEEL", "Wheel-Version: 1.0\\nGenerator: test\\nRoot-Is-Purelib: true\\nTag: py3-none-any\\n")
    z.writestr("e2e_demo-1.0.dist-info/RECORD", "e2e_demo/__init__.py,,\\ne2e_demo-1.0.dist-info/METADATA,,\\ne2e_demo-1.0.dist-info/WHEEL,,\\ne2e_demo-1.0.dist-info/RECORD,,\\n")
with open(os.path.join(out, "pip.conf"), "w") as f:
    f.write("[global]\\nno-index = true\\nfind-links = /workspace/wheels\\n")
`;
