// run_code's artifacts on a shared store (ADR 019): two agents' toolhosts (local launchers over two separate
// workspaces) and two stores on one real redis-server. What code saves on one agent, code on the other loads;
// nothing lands in either workspace, and the agent's checks and scrubber apply as to any call from code.
import { existsSync, mkdirSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCodeCallHandler } from "../../agent/src/code-mode/code-calls.js";
import { createSharedArtifactsHandler } from "../../agent/src/code-mode/shared-artifacts.js";
import { ToolHub } from "../../agent/src/hub/tool-hub.js";
import type { ToolResult } from "../../agent/src/loop/tools.js";
import { LocalLauncher } from "../../agent/src/sandbox/local.js";
import { Artifacts } from "../../agent/src/store/artifacts.js";
import { RedisStore } from "../../agent/src/store/redis-store.js";
import { type RedisServer, redisUnavailable, startRedis } from "../support/redis-server.js";

const skip = redisUnavailable();
if (skip) console.warn(skip);

const SECRET = "sk-shared-artifact-secret-0123456789";

interface Agent {
  hub: ToolHub;
  store: RedisStore;
  workspace: string;
}

let root: string;
let redis: RedisServer | undefined;
const agents: Agent[] = [];

async function startAgent(name: string, url: string): Promise<Agent> {
  const workspace = join(root, name);
  mkdirSync(workspace);
  const store = await RedisStore.connect({ url });
  const hub = new ToolHub({
    launcher: new LocalLauncher({ workspace, dynamicToolsDir: join(root, `${name}-tools`) }),
    servers: [],
    toolhostConnectTimeoutMs: 60_000,
  });
  const scrub = (text: string) => text.replaceAll(SECRET, "[REDACTED]");
  hub.serveToolhostRequests([
    createCodeCallHandler({ tools: hub, scrub }),
    createSharedArtifactsHandler({ artifacts: new Artifacts(store), scrub }),
  ]);
  return { hub, store, workspace };
}

function runCode(agent: Agent, code: string): Promise<ToolResult> {
  return agent.hub.callTool("run_code", { code }, { signal: new AbortController().signal });
}

function ok(result: ToolResult): string {
  expect(result.isError, result.text).toBe(false);
  return result.text;
}

beforeAll(async () => {
  if (skip) return;
  root = await mkdtemp(join(tmpdir(), "shared-artifacts-"));
  redis = await startRedis();
  agents.push(await startAgent("a", redis.url), await startAgent("b", redis.url));
}, 120_000);

afterAll(async () => {
  for (const agent of agents) {
    await agent.hub.close();
    await agent.store.close();
  }
  await redis?.stop();
  if (root) await rm(root, { recursive: true, force: true });
});

describe.skipIf(Boolean(skip))("run_code's artifacts on a shared store", () => {
  it("saves on one agent what code on another agent loads and lists, and writes neither workspace", async () => {
    const [a, b] = agents as [Agent, Agent];
    ok(
      await runCode(
        a,
        'await artifacts.save("totals.json", { total: 42, files: 20 });\nawait artifacts.save("notes.txt", "first line");\nreturn "saved";',
      ),
    );
    const loaded = ok(
      await runCode(
        b,
        'const totals = await artifacts.load("totals.json");\nconst notes = await artifacts.load("notes.txt");\nreturn { total: totals.total, notes, names: (await artifacts.list()).map((e) => e.name) };',
      ),
    );
    expect(JSON.parse(loaded.slice(loaded.indexOf("{")))).toEqual({
      total: 42,
      notes: "first line",
      names: ["notes.txt", "totals.json"],
    });
    expect((await new Artifacts(b.store).load("notes.txt"))?.text).toBe("first line");
    for (const agent of [a, b]) expect(existsSync(join(agent.workspace, ".agent", "artifacts"))).toBe(false);
  });

  it("refuses a bad name before asking the agent, and says a missing artifact is missing", async () => {
    const [a] = agents as [Agent];
    const bad = await runCode(a, 'await artifacts.save("../escape", "x");');
    expect(bad.isError).toBe(true);
    expect(bad.text).toContain("is not a valid artifact name");
    const missing = await runCode(a, 'return await artifacts.load("never-saved.txt");');
    expect(missing.isError).toBe(true);
    expect(missing.text).toContain("There is no artifact never-saved.txt");
  });

  it("scrubs a secret out of what code loads, as out of any result that reaches the sandbox", async () => {
    const [a, b] = agents as [Agent, Agent];
    await new Artifacts(a.store).save("leak.txt", `key=${SECRET}`);
    const text = ok(await runCode(b, 'return await artifacts.load("leak.txt");'));
    expect(text).toContain("key=[REDACTED]");
    expect(text).not.toContain(SECRET);
  });
});
