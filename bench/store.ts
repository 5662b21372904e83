// Benchmark 9, store: what the shared library costs next to the local folders. Skill lookup (what every
// prompt and /skill does) and tool load (a tool created by one agent until another agent's toolhost offers it),
// on the local folders and on a real redis-server (Debian's, started here on a free port).
import { cpSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { installTool } from "../agent/src/hub/publishing-tools.js";
import { ToolHub } from "../agent/src/hub/tool-hub.js";
import { LocalLauncher } from "../agent/src/sandbox/local.js";
import { ApprovalLedger } from "../agent/src/skills/approval-ledger.js";
import { SkillRegistry } from "../agent/src/skills/registry.js";
import { LocalStore } from "../agent/src/store/local-store.js";
import { RedisStore } from "../agent/src/store/redis-store.js";
import type { Store } from "../agent/src/store/store.js";
import { ToolSync } from "../agent/src/store/tool-sync.js";
import { redisUnavailable, startRedis } from "../test/support/redis-server.js";
import { BenchCheckError, check } from "./support/bounded.js";
import type { Benchmark, BenchReport } from "./support/report.js";
import { judge } from "./support/report.js";
import { ms, percentile } from "./support/stats.js";

const LOOKUPS = 500;
const TOOLS = 8;
const SHIPPED = ["bug_fix", "create_skill", "doc_sync", "generate_playbook", "hello", "scaffold_project"];

function timeSync(runs: number, work: () => void): number[] {
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    work();
    samples.push(performance.now() - started);
  }
  return samples;
}

async function timeAsync(runs: number, work: () => Promise<unknown>): Promise<number[]> {
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    await work();
    samples.push(performance.now() - started);
  }
  return samples;
}

const row = (label: string, local: number[], redis: number[]) => [
  label,
  ms(percentile(local, 50)),
  ms(percentile(local, 99)),
  ms(percentile(redis, 50)),
  ms(percentile(redis, 99)),
];

function tool(name: string) {
  return {
    name,
    description: `Counts words (${name}).`,
    parameters: { type: "object", properties: { text: { type: "string" } }, required: ["text"] },
    code: "export default async function (args: { text: string }) { return String(args.text.split(/\\s+/).length); }\n",
  };
}

/** An agent's tool side: a hub over a real toolhost child process on its own folders. */
function toolSide(root: string, name: string): ToolHub {
  for (const dir of ["ws", "dynamic-tools"]) mkdirSync(join(root, name, dir), { recursive: true });
  return new ToolHub({
    launcher: new LocalLauncher({
      workspace: join(root, name, "ws"),
      dynamicToolsDir: join(root, name, "dynamic-tools"),
      shellTimeoutSeconds: 30,
    }),
    servers: [],
  });
}

async function offered(hub: ToolHub, name: string, started: number): Promise<number> {
  for (;;) {
    if ((await hub.listTools()).some((spec) => spec.name === name)) return performance.now() - started;
    if (performance.now() - started > 30_000) throw new BenchCheckError(`${name} never offered`);
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

export const store: Benchmark = {
  name: "store",
  title: "Store: skill lookup and tool load, local folders vs Redis",
  timeLimitMs: 300_000,
  async run(): Promise<BenchReport> {
    const missing = redisUnavailable();
    if (missing) throw new BenchCheckError(missing);
    const root = mkdtempSync(join(tmpdir(), "bench-store-"));
    const redis = await startRedis();
    const stores: Store[] = [];
    const hubs: ToolHub[] = [];
    try {
      // Skill lookup: the shipped skills, in the folders and in Redis (the replica serves reads).
      const skillsDir = join(root, "skills");
      for (const name of SHIPPED) cpSync(join("skills", name), join(skillsDir, name), { recursive: true });
      const local = new LocalStore({ skillsDir, ledgerPath: join(root, "data", "skill-approvals.json") });
      const shared = await RedisStore.connect({ url: redis.url });
      stores.push(shared);
      for (const item of await local.list("skill")) await shared.put("skill", item.name, item.files);
      const localRegistry = new SkillRegistry({ store: local, ledger: new ApprovalLedger(local) });
      const sharedRegistry = new SkillRegistry({
        store: shared,
        ledger: new ApprovalLedger(shared, { kind: "mac", key: Buffer.alloc(32, 7) }),
      });
      check(sharedRegistry.scan().length === SHIPPED.length, "the Redis replica misses skills");
      const scanLocal = timeSync(LOOKUPS, () => localRegistry.scan());
      const scanRedis = timeSync(LOOKUPS, () => sharedRegistry.scan());
      const getLocal = await timeAsync(LOOKUPS, () => local.get("skill", "hello"));
      const getRedis = await timeAsync(LOOKUPS, () => shared.get("skill", "hello"));

      // Change feed: a write on one connection until another store's watcher hears of it.
      const other = await RedisStore.connect({ url: redis.url });
      stores.push(other);
      const feed: number[] = [];
      for (let i = 0; i < 50; i++) {
        const heard = new Promise<number>((resolve) => {
          const stop = other.watch(() => {
            stop();
            resolve(performance.now());
          });
        });
        const started = performance.now();
        await shared.put("artifact", "ping", { data: String(i) });
        feed.push((await heard) - started);
      }

      // Tool load. Local: create_tool on an agent until its own hub offers the tool. Redis: agent A's tool
      // written to the store until agent B's toolhost offers it (B's sync installs it through create_tool).
      const localHub = toolSide(root, "local");
      const hubB = toolSide(root, "b");
      hubs.push(localHub, hubB);
      await Promise.all([localHub.listTools(), hubB.listTools()]);
      // Warm both toolhosts (the first create_tool loads TypeScript), so the figures are per tool.
      await installTool(localHub, tool("warm_local"));
      await installTool(hubB, tool("warm_b"));
      const syncB = new ToolSync({
        store: other,
        directory: join(root, "b", "dynamic-tools"),
        install: (t) => installTool(hubB, t),
        logError: (message) => process.stderr.write(`${message}\n`),
      });
      await syncB.start();
      const loadLocal: number[] = [];
      const loadRedis: number[] = [];
      for (let i = 0; i < TOOLS; i++) {
        const name = `count_${i}`;
        const started = performance.now();
        await installTool(localHub, tool(name));
        loadLocal.push(await offered(localHub, name, started));
        const t = tool(name);
        const manifest = { name, description: t.description, parameters: t.parameters };
        const startedRedis = performance.now();
        await shared.put("tool", name, { "tool.json": JSON.stringify(manifest), "index.ts": t.code });
        loadRedis.push(await offered(hubB, name, startedRedis));
      }
      syncB.close();

      const table = {
        title: `Store: local folders vs Redis (ms; p50 and p99; ${LOOKUPS} lookups, ${TOOLS} tools)`,
        columns: ["operation", "local p50", "local p99", "Redis p50", "Redis p99"],
        rows: [
          row(`skill scan for the prompt (${SHIPPED.length} skills + ledger)`, scanLocal, scanRedis),
          row("one skill read (store.get)", getLocal, getRedis),
          row("tool load: created → offered (local: same agent; Redis: another agent)", loadLocal, loadRedis),
          [
            "change feed: write → another agent's watcher",
            "",
            "",
            ms(percentile(feed, 50)),
            ms(percentile(feed, 99)),
          ],
        ],
      };
      return {
        tables: [table],
        targets: [
          judge(
            "another agent sees a change (feed, p99)",
            percentile(feed, 99),
            1000,
            `${ms(percentile(feed, 99))} ms`,
            "< 1000 ms",
          ),
          judge(
            "another agent offers a new tool (p99)",
            percentile(loadRedis, 99),
            1000,
            `${ms(percentile(loadRedis, 99))} ms`,
            "< 1000 ms",
          ),
        ],
        notes: [
          "Redis: Debian's redis-server on 127.0.0.1 (same machine). Skill scans read the replica the change feed keeps, so they do not touch the network; store.get is a round trip. Tool load on Redis includes the feed, the sync reading the store, and create_tool in agent B's toolhost (from source, warm).",
        ],
      };
    } finally {
      for (const hub of hubs) await hub.close();
      for (const s of stores) await s.close();
      await redis.stop();
      rmSync(root, { recursive: true, force: true });
    }
  },
};
