// Test harness for dynamic tools: real temp directories (a workspace, dynamic-tools/ and an outside folder with
// a fake keystore) and the real toolhost with its dynamic tools, in-process over an MCP InMemoryTransport.
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { InMemoryTransport } from "@modelcontextprotocol/sdk/inMemory.js";
import { ToolListChangedNotificationSchema } from "@modelcontextprotocol/sdk/types.js";
import {
  DYNAMIC_TOOLS_STATUS_URI,
  type DynamicToolsStatus,
  dynamicToolsStatusSchema,
} from "../../../mcp-servers/toolhost/src/dynamic/status.js";
import { createToolhost, type Toolhost } from "../../../mcp-servers/toolhost/src/server.js";
import { Workspace } from "../../../mcp-servers/toolhost/src/workspace.js";
import { type CallOutcome, textOf } from "./toolhost-harness.js";

/** A secret the tools must never see: in the toolhost's environment and in a keystore outside the workspace. */
export const SECRET = "sk-live-dynamic-tool-secret-0123456789";

/** Temp directories for one test. */
export interface DynamicDirs {
  root: string;
  /** The workspace (`root/ws`), with words.txt holding seven words. */
  workspace: string;
  /** dynamic-tools/ (`root/dynamic-tools`). */
  toolsDir: string;
  /** A keystore file outside the workspace holding SECRET. */
  keystore: string;
  remove: () => Promise<void>;
}

export async function makeDirs(): Promise<DynamicDirs> {
  const root = await mkdtemp(path.join(tmpdir(), "dynamic-tools-test-"));
  const dirs: DynamicDirs = {
    root,
    workspace: path.join(root, "ws"),
    toolsDir: path.join(root, "dynamic-tools"),
    keystore: path.join(root, "data", "keys.enc"),
    remove: () => rm(root, { recursive: true, force: true }),
  };
  await mkdir(dirs.workspace);
  await mkdir(path.dirname(dirs.keystore));
  await writeFile(dirs.keystore, SECRET);
  await writeFile(path.join(dirs.workspace, "words.txt"), "the quick brown fox\njumps over  dogs\n");
  return dirs;
}

/** A toolhost with dynamic tools, connected in-process. */
export interface DynamicHost {
  client: Client;
  toolhost: Toolhost;
  call: (name: string, args: Record<string, unknown>) => Promise<CallOutcome>;
  /** Calls create_tool. */
  create: (tool: Partial<ToolSpecInput> & { name: string; code: string }) => Promise<CallOutcome>;
  /** Names from tools/list. */
  toolNames: () => Promise<string[]>;
  /** Reads the status resource (which rescans the folder). */
  status: () => Promise<DynamicToolsStatus>;
  /** tools/list_changed notifications received so far. */
  listChanged: () => number;
  close: () => Promise<void>;
}

/** create_tool's arguments. */
export interface ToolSpecInput {
  name: string;
  description: string;
  parameters: unknown;
  code: string;
  overwrite?: boolean;
}

/** A `{path: string}` schema, what most test tools take. */
export const PATH_SCHEMA = {
  type: "object",
  properties: { path: { type: "string", description: "File, relative to the workspace." } },
  required: ["path"],
};

export async function startHost(dirs: DynamicDirs, shellTimeoutSeconds = 60): Promise<DynamicHost> {
  const toolhost = createToolhost({
    workspace: await Workspace.open(dirs.workspace),
    env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: dirs.workspace, AGENT_SECRET: SECRET },
    shellTimeoutSeconds,
    shellMaxTimeoutSeconds: Math.max(shellTimeoutSeconds, 60),
    dynamicToolsDir: dirs.toolsDir,
  });
  await toolhost.start();
  const [clientTransport, serverTransport] = InMemoryTransport.createLinkedPair();
  await toolhost.server.connect(serverTransport);
  const client = new Client({ name: "dynamic-test", version: "0.0.0" });
  let changes = 0;
  client.setNotificationHandler(ToolListChangedNotificationSchema, () => {
    changes++;
  });
  await client.connect(clientTransport);
  const call = async (name: string, args: Record<string, unknown>) =>
    textOf(await client.callTool({ name, arguments: args }));
  return {
    client,
    toolhost,
    call,
    create: (tool) =>
      call("create_tool", { description: `Test tool ${tool.name}.`, parameters: PATH_SCHEMA, ...tool }),
    toolNames: async () => (await client.listTools()).tools.map((tool) => tool.name),
    status: async () => {
      const result = await client.readResource({ uri: DYNAMIC_TOOLS_STATUS_URI });
      const first = result.contents[0];
      const text = first !== undefined && "text" in first ? String(first.text) : "{}";
      return dynamicToolsStatusSchema.parse(JSON.parse(text));
    },
    listChanged: () => changes,
    close: async () => {
      await client.close();
      await toolhost.dispose();
    },
  };
}

/** word_count: counts the words of a workspace file through ctx.readFile. */
export const WORD_COUNT_CODE = `
interface Args { path: string }
interface Ctx { readFile(path: string): Promise<string> }
export default async function wordCount(args: Args, ctx: Ctx): Promise<string> {
  const text = await ctx.readFile(args.path);
  const words = text.split(/\\s+/).filter((word) => word.length > 0).length;
  return \`\${words} words in \${args.path}\`;
}
`;
