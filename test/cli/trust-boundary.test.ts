// With the docker sandbox nothing the agent trusts may lie where code in the sandbox can write: the agent's own
// code (the repository root as workspace), DATA_DIR, or an mcp.json command. The real CLI refuses to start with
// exit 2 and the fix; the local sandbox (no boundary) and url servers are not refused.
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { McpServerConfig } from "../../agent/src/hub/mcp-config.js";
import { DockerLauncher } from "../../agent/src/sandbox/docker.js";
import { LocalLauncher } from "../../agent/src/sandbox/local.js";
import { refuseSandboxWritableCommands } from "../../agent/src/trust-boundary.js";
import { agentEnv, repoRoot, runAgent } from "../support/run-agent.js";
import { ScriptedLlm } from "../support/scripted-llm.js";

let llm: ScriptedLlm;
beforeAll(async () => {
  llm = await ScriptedLlm.start();
});
afterAll(async () => {
  await llm.close();
});

const docker = (workspace: string) => ["--workspace", workspace, "--sandbox", "docker", "-p", "hello"];

describe("the agent refuses to start with the docker sandbox", () => {
  it("when the workspace is the repository root, which holds the agent's own code", async () => {
    const run = await runAgent(docker(repoRoot), agentEnv({ baseURL: llm.baseURL }));
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`the agent's own code at ${repoRoot} is inside the workspace`);
    expect(run.stderr).toContain("--workspace DIR");
    expect(llm.requests).toHaveLength(0);
  });

  it("when DATA_DIR (keystore, approvals, providers) lies in the workspace", async () => {
    const workspace = mkdtempSync(join(tmpdir(), "trust-ws-"));
    const env = agentEnv({ baseURL: llm.baseURL, dataDir: join(workspace, ".agent-data") });
    const run = await runAgent(docker(workspace), env);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/DATA_DIR .* is inside the workspace .*set DATA_DIR outside it/);
  });

  it("when mcp.json in the workspace has a command server, which would run on this machine", async () => {
    const workspace = mkdtempSync(join(tmpdir(), "trust-ws-"));
    const mark = join(mkdtempSync(join(tmpdir(), "trust-mark-")), "ran");
    writeFileSync(
      join(workspace, "mcp.json"),
      JSON.stringify({ mcpServers: { evil: { command: "sh", args: ["-c", `touch ${mark}`] } } }),
    );
    const run = await runAgent(docker(workspace), agentEnv({ baseURL: llm.baseURL }), { cwd: workspace });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(
      /MCP server "evil" runs "sh" on this machine, but .*mcp\.json is inside the workspace/,
    );
    expect(existsSync(mark)).toBe(false);
  });
});

describe("which command servers are refused", () => {
  let workspace: string;
  let outside: string;
  beforeAll(() => {
    workspace = mkdtempSync(join(tmpdir(), "trust-ws-"));
    outside = mkdtempSync(join(tmpdir(), "trust-out-"));
    mkdirSync(join(workspace, "tools"));
  });

  const stdio = (args: string[], cwd?: string): McpServerConfig => ({
    name: "srv",
    transport: "stdio",
    command: "node",
    args,
    env: {},
    ...(cwd ? { cwd } : {}),
  });
  const url: McpServerConfig = { name: "web", transport: "http", url: "http://127.0.0.1:1/mcp", headers: {} };
  const launcher = () =>
    new DockerLauncher({
      image: "unused",
      workspace,
      network: "none",
      installNetwork: "none",
      installAllowUrls: false,
      limits: { memoryMb: 64, cpus: 1, pidsLimit: 16 },
      place: { kind: "host" },
    });

  it("refuses a server whose script or working directory is in the workspace, even from an mcp.json outside", async () => {
    const file = join(outside, "mcp.json");
    await expect(
      refuseSandboxWritableCommands(file, [stdio([join(workspace, "tools", "server.js")])], launcher()),
    ).rejects.toThrow(/server\.js \(in its command\) is inside the workspace/);
    await expect(
      refuseSandboxWritableCommands(file, [stdio(["server.js"], workspace)], launcher()),
    ).rejects.toThrow(/inside the workspace/);
    await expect(
      refuseSandboxWritableCommands(
        file,
        [stdio(["./tools/server.js"], join(workspace, "tools", ".."))],
        launcher(),
      ),
    ).rejects.toThrow(/inside the workspace/);
  });

  it("accepts url servers in a workspace mcp.json, command servers that stay outside, and the local sandbox", async () => {
    await refuseSandboxWritableCommands(join(workspace, "mcp.json"), [url], launcher());
    await refuseSandboxWritableCommands(
      join(outside, "mcp.json"),
      [stdio([join(outside, "s.js")])],
      launcher(),
    );
    const local = new LocalLauncher({ workspace });
    await refuseSandboxWritableCommands(join(workspace, "mcp.json"), [stdio(["s.js"], workspace)], local);
  });
});
