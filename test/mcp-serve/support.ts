// Runs the real `agent mcp` (from source) for the MCP-server tests: a temp workspace and data dir, a copy of
// the hello skill, and an official MCP SDK client over stdio or Streamable HTTP.
import { type ChildProcess, spawn } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { agentArgs, agentEnv, repoRoot } from "../support/run-agent.js";

/** A key the scrubber knows (the test env's OPENAI_API_KEY): it must never come back from the server. */
export const KNOWN_KEY = "sk-test-0123456789abcdef";
export const TOKEN = "test-token-0123456789-abcdef";

export interface McpFixture {
  workspace: string;
  skillsDir: string;
  env: Record<string, string>;
}

/** A workspace with a file and an artifact, a skills dir holding a copy of the shipped (pinned) hello skill. */
export function mcpFixture(extraEnv: Record<string, string> = {}): McpFixture {
  const workspace = mkdtempSync(join(tmpdir(), "mcp-serve-ws-"));
  mkdirSync(join(workspace, ".agent", "artifacts"), { recursive: true });
  const skillsDir = mkdtempSync(join(tmpdir(), "mcp-serve-skills-"));
  cpSync(join(repoRoot, "skills", "hello"), join(skillsDir, "hello"), { recursive: true });
  cpSync(join(repoRoot, "skills", "skill-api.d.ts"), join(skillsDir, "skill-api.d.ts"));
  const env = agentEnv({
    // Nothing here talks to a model; the provider only has to be valid.
    baseURL: "http://127.0.0.1:9/v1",
    env: { SKILLS_DIR: skillsDir, ...extraEnv },
  });
  return { workspace, skillsDir, env };
}

/** An SDK client connected to `agent mcp` on stdio (the agent is its child process). */
export async function stdioClient(
  fixture: McpFixture,
  sandbox: "local" | "docker" = "local",
): Promise<Client> {
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: agentArgs(["mcp", "--workspace", fixture.workspace, "--sandbox", sandbox]),
    env: fixture.env,
    cwd: repoRoot,
    stderr: "pipe",
  });
  const client = new Client({ name: "mcp-serve-test", version: "1.0.0" });
  await client.connect(transport);
  return client;
}

export interface HttpAgent {
  child: ChildProcess;
  url: string;
  /** Everything the agent wrote to stderr so far. */
  stderr: () => string;
  /** Resolves with the exit code once the process has exited. */
  exited: Promise<number | null>;
  stop(): Promise<number | null>;
}

/** Starts `agent mcp --http --port 0` and waits for the line naming its URL. */
export async function startHttpAgent(
  fixture: McpFixture,
  extraArgs: string[] = [],
  sandbox: "local" | "docker" = "local",
): Promise<HttpAgent> {
  const args = ["mcp", "--http", "--port", "0", "--workspace", fixture.workspace, "--sandbox", sandbox];
  const child = spawn(process.execPath, agentArgs([...args, ...extraArgs]), {
    env: fixture.env,
    cwd: repoRoot,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stderr = "";
  let stdout = "";
  child.stdout?.on("data", (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const url = await new Promise<string>((resolve, reject) => {
    child.stderr?.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
      const match = / at (http:\/\/\S+\/mcp)\n/.exec(stderr);
      if (match?.[1]) resolve(match[1]);
    });
    void exited.then((code) =>
      reject(new Error(`agent mcp exited with ${code} before listening:\n${stderr}\n${stdout}`)),
    );
  });
  return {
    child,
    url,
    stderr: () => stderr,
    exited,
    async stop() {
      if (child.exitCode === null) child.kill("SIGTERM");
      return exited;
    },
  };
}

/** An SDK client over Streamable HTTP sending `token` as the bearer token. */
export async function httpClient(url: string, token: string = TOKEN): Promise<Client> {
  const transport = new StreamableHTTPClientTransport(new URL(url), {
    requestInit: { headers: { authorization: `Bearer ${token}` } },
  });
  const client = new Client({ name: "mcp-serve-test", version: "1.0.0" });
  await client.connect(transport);
  return client;
}

/** The text of a tool result (its text blocks joined). */
export function textOf(result: unknown): string {
  const content = (result as CallToolResult).content ?? [];
  return content.map((block) => (block.type === "text" ? block.text : "")).join("");
}

/** Whether a process with this pid is running. */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
