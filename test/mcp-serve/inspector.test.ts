// A third-party client this project did not write: the official MCP Inspector's CLI (npm
// @modelcontextprotocol/inspector, a devDependency) talks to `agent mcp` over both transports. It needs
// Node >= 22.19, so it runs in node:24-bookworm-slim (local image, never pulled) on the host network, with
// the repository mounted read-only at its own path: over HTTP it reaches the agent running here, over stdio
// it spawns the agent itself (from source, inside the container).
import { execFile } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { repoRoot } from "../support/run-agent.js";
import { type HttpAgent, type McpFixture, mcpFixture, startHttpAgent, TOKEN } from "./support.js";

const run = promisify(execFile);
const NODE_IMAGE = "node:24-bookworm-slim";
const inspector = join(
  repoRoot,
  "node_modules",
  "@modelcontextprotocol",
  "inspector",
  "clients",
  "launcher",
  "build",
  "index.js",
);

interface InspectorRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `mcp-inspector --cli <args>` in a Node 24 container that sees the repository and `dirs` at their paths. */
async function inspectorCli(args: string[], dirs: string[]): Promise<InspectorRun> {
  const mounts = [`${repoRoot}:${repoRoot}:ro`, ...dirs.map((dir) => `${dir}:${dir}`)].flatMap((m) => [
    "-v",
    m,
  ]);
  try {
    const { stdout, stderr } = await run(
      "docker",
      [
        "run",
        "--rm",
        "--pull",
        "never",
        "--network",
        "host",
        ...mounts,
        NODE_IMAGE,
        "node",
        inspector,
        "--cli",
        ...args,
      ],
      { timeout: 120_000, maxBuffer: 16 * 1024 * 1024 },
    );
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    if (typeof failed.code !== "number") throw error;
    return { code: failed.code, stdout: failed.stdout ?? "", stderr: failed.stderr ?? "" };
  }
}

beforeAll(async () => {
  try {
    await run("docker", ["image", "inspect", NODE_IMAGE]);
  } catch (error) {
    throw new Error(
      `The Inspector test needs Docker and the local image ${NODE_IMAGE} (Node >= 22.19): ${String(error)}`,
    );
  }
}, 60_000);

describe("the official MCP Inspector CLI against agent mcp", () => {
  let fixture: McpFixture;
  let agent: HttpAgent | undefined;
  beforeAll(async () => {
    fixture = mcpFixture({ AGENT_MCP_TOKEN: TOKEN });
    writeFileSync(join(fixture.workspace, ".agent", "artifacts", "report.json"), '{"total":3}\n');
    agent = await startHttpAgent(fixture);
  }, 60_000);
  afterAll(async () => {
    await agent?.stop();
  });
  const bearer = ["--header", `Authorization: Bearer ${TOKEN}`];

  it("over Streamable HTTP lists the tools with portable schemas, calls a file tool and a skill, reads an artifact", async () => {
    const url = agent?.url ?? "";
    const list = await inspectorCli([url, "--method", "tools/list", "--strict", ...bearer], []);
    expect(list.code, list.stderr).toBe(0);
    const names = (JSON.parse(list.stdout) as { tools: Array<{ name: string }> }).tools.map((t) => t.name);
    expect(names).toEqual(expect.arrayContaining(["read_file", "write_file", "shell", "skill__hello"]));

    const write = await inspectorCli(
      [
        url,
        "--method",
        "tools/call",
        "--tool-name",
        "write_file",
        "--tool-arg",
        "path=from-inspector.txt",
        "content=written",
        ...bearer,
      ],
      [],
    );
    expect(write.code, write.stderr).toBe(0);
    expect(JSON.parse(write.stdout)).toMatchObject({ isError: false });
    expect(readFileSync(join(fixture.workspace, "from-inspector.txt"), "utf8")).toBe("written");
    const skill = await inspectorCli(
      [
        url,
        "--method",
        "tools/call",
        "--tool-name",
        "skill__hello",
        "--tool-arg",
        "text=inspected",
        ...bearer,
      ],
      [],
    );
    expect(skill.stdout).toContain("inspected");
    const artifact = await inspectorCli(
      [url, "--method", "resources/read", "--uri", "artifact:///report.json", ...bearer],
      [],
    );
    expect(JSON.parse(artifact.stdout)).toMatchObject({
      contents: [{ uri: "artifact:///report.json", mimeType: "application/json", text: '{"total":3}\n' }],
    });
  }, 240_000);

  it("over Streamable HTTP is refused without the right token", async () => {
    const refused = await inspectorCli(
      [
        agent?.url ?? "",
        "--method",
        "tools/list",
        "--header",
        "Authorization: Bearer wrong-0123456789abcdef",
      ],
      [],
    );
    expect(refused.code).not.toBe(0);
    expect(`${refused.stdout}${refused.stderr}`).toMatch(/auth/i);
    expect(refused.stdout).not.toContain("read_file");
  }, 120_000);

  it("over stdio spawns agent mcp, lists its tools and reads a file through the sandbox", async () => {
    const env = ["DATA_DIR", "LOG_FILE", "SKILLS_DIR"].flatMap((name) => [
      "-e",
      `${name}=${fixture.env[name]}`,
    ]);
    const agentCommand = [
      "--",
      "node",
      "--conditions=ts-coding-agent-source",
      "--import",
      join(repoRoot, "node_modules", "tsx", "dist", "esm", "index.mjs"),
      join(repoRoot, "agent", "src", "main.ts"),
      "mcp",
      "--workspace",
      fixture.workspace,
      "--sandbox",
      "local",
    ];
    const dirs = [fixture.workspace, fixture.skillsDir, fixture.env.HOME ?? ""];
    writeFileSync(join(fixture.workspace, "stdio.txt"), "read over stdio\n");
    const read = await inspectorCli(
      [
        ...env,
        "--method",
        "tools/call",
        "--tool-name",
        "read_file",
        "--tool-arg",
        "path=stdio.txt",
        ...agentCommand,
      ],
      dirs,
    );
    expect(read.code, read.stderr).toBe(0);
    expect(read.stdout).toContain("read over stdio");
    const list = await inspectorCli([...env, "--method", "tools/list", ...agentCommand], dirs);
    expect(list.stdout).toContain("skill__hello");
  }, 240_000);
});
