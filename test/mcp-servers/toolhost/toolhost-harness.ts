// Test harness for the toolhost: real temp directories (a workspace, an outside directory and a sibling with a
// shared name prefix) and the real server, in-process over InMemoryTransport or spawned over real stdio.
import { readdirSync, readFileSync } from "node:fs";
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { InMemoryTransport } from "@modelcontextprotocol/sdk/inMemory.js";
import { createToolhost, type Toolhost } from "../../../mcp-servers/toolhost/src/server.js";
import { Workspace } from "../../../mcp-servers/toolhost/src/workspace.js";

/** The toolhost's entry point, run from source in spawned-process tests. */
export const MAIN_TS = path.resolve(import.meta.dirname, "../../../mcp-servers/toolhost/src/main.ts");

/** A tool result as the tests look at it. */
export interface CallOutcome {
  text: string;
  isError: boolean;
}

/** Temp directories for one test: `root/ws` (the workspace), `root/outside`, `root/ws2` (sibling prefix). */
export interface Sandbox {
  root: string;
  workspace: string;
  outside: string;
  sibling: string;
  remove: () => Promise<void>;
}

export async function makeSandbox(): Promise<Sandbox> {
  const root = await mkdtemp(path.join(tmpdir(), "toolhost-test-"));
  const sandbox = {
    root,
    workspace: path.join(root, "ws"),
    outside: path.join(root, "outside"),
    sibling: path.join(root, "ws2"),
    remove: () => rm(root, { recursive: true, force: true, maxRetries: 5, retryDelay: 50 }),
  };
  await Promise.all([mkdir(sandbox.workspace), mkdir(sandbox.outside), mkdir(sandbox.sibling)]);
  return sandbox;
}

/** Text of a callTool result (all text parts joined). */
export function textOf(result: Record<string, unknown>): CallOutcome {
  const content = Array.isArray(result.content)
    ? (result.content as Array<{ type: string; text?: string }>)
    : [];
  const text = content.map((part) => (part.type === "text" ? (part.text ?? "") : "")).join("");
  return { text, isError: result.isError === true };
}

/** A toolhost connected in-process to an MCP client. */
export interface InProcessToolhost {
  client: Client;
  toolhost: Toolhost;
  call: (name: string, args: Record<string, unknown>) => Promise<CallOutcome>;
  close: () => Promise<void>;
}

export async function startInProcess(
  workspaceDir: string,
  env: Record<string, string> = {
    PATH: process.env.PATH ?? "/usr/bin:/bin",
    HOME: workspaceDir,
    LANG: "C.UTF-8",
  },
  shell: { timeout: number; max: number } = { timeout: 120, max: 600 },
): Promise<InProcessToolhost> {
  const workspace = await Workspace.open(workspaceDir);
  const toolhost = createToolhost({
    workspace,
    env,
    shellTimeoutSeconds: shell.timeout,
    shellMaxTimeoutSeconds: shell.max,
  });
  const [clientTransport, serverTransport] = InMemoryTransport.createLinkedPair();
  await toolhost.server.connect(serverTransport);
  const client = new Client({ name: "toolhost-test", version: "0.0.0" });
  await client.connect(clientTransport);
  return {
    client,
    toolhost,
    call: async (name, args) => textOf(await client.callTool({ name, arguments: args })),
    close: async () => {
      await client.close();
      await toolhost.dispose();
    },
  };
}

/** Live (not zombie) processes whose command line contains `marker`. */
export function liveProcessesWith(marker: string): number[] {
  const found: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, "utf8").replaceAll("\u0000", " ");
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const state = stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3);
      if (cmdline.includes(marker) && state !== "Z") found.push(Number(entry));
    } catch {
      // Exited while we looked.
    }
  }
  return found;
}

/** A `sleep` duration no other process on the machine uses, to find our processes by command line. */
export function uniqueSleep(): string {
  return `${1000 + Math.floor(Math.random() * 8000)}.${Math.floor(Math.random() * 1e6)}`;
}
