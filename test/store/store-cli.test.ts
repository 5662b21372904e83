// `agent store export|import` through the real CLI: a library moved from the local folders into a real Redis
// and back out is the same library; bad paths, URLs and subcommands are one line and exit 2.
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LocalStore } from "../../agent/src/store/local-store.js";
import { type RedisServer, redisUnavailable, startRedis } from "../support/redis-server.js";
import { agentEnv, repoRoot, runAgent } from "../support/run-agent.js";
import { ScriptedLlm } from "../support/scripted-llm.js";

const skip = redisUnavailable();
if (skip) console.warn(skip);

let redis: RedisServer | undefined;
let root: string;
const MASTER_KEY = "correct horse battery staple";

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), "store-cli-"));
  if (!skip) redis = await startRedis();
});
afterAll(async () => {
  await redis?.stop();
  rmSync(root, { recursive: true, force: true });
});

/** A local library: two shipped skills (hello approved in the ledger), a dynamic tool and an artifact. */
function localLibrary(name: string): Record<string, string> {
  const base = join(root, name);
  const dirs = {
    SKILLS_DIR: join(base, "skills"),
    DATA_DIR: join(base, "data"),
    DYNAMIC_TOOLS_DIR: join(base, "dynamic-tools"),
    WORKSPACE_DIR: join(base, "ws"),
  };
  for (const skill of ["hello", "doc_sync"]) {
    cpSync(join(repoRoot, "skills", skill), join(dirs.SKILLS_DIR, skill), { recursive: true });
  }
  mkdirSync(dirs.DATA_DIR, { recursive: true });
  const ledger = {
    doc_sync: { sha256: "a".repeat(64), approvedBy: "ann", approvedAt: "2026-12-01T10:00:00.000Z" },
  };
  writeFileSync(join(dirs.DATA_DIR, "skill-approvals.json"), JSON.stringify(ledger));
  mkdirSync(join(dirs.DYNAMIC_TOOLS_DIR, "word_count"), { recursive: true });
  writeFileSync(
    join(dirs.DYNAMIC_TOOLS_DIR, "word_count", "tool.json"),
    JSON.stringify({ name: "word_count", description: "Counts words.", parameters: { type: "object" } }),
  );
  writeFileSync(join(dirs.DYNAMIC_TOOLS_DIR, "word_count", "index.ts"), "export default () => '3';\n");
  mkdirSync(join(dirs.WORKSPACE_DIR, ".agent", "artifacts"), { recursive: true });
  writeFileSync(join(dirs.WORKSPACE_DIR, ".agent", "artifacts", "report.json"), '{"passed":12}');
  return dirs;
}

const store = (args: string[], env: Record<string, string>) =>
  runAgent(["store", ...args], agentEnv({ baseURL: "http://127.0.0.1:9", env }), { timeoutMs: 120_000 });

async function snapshot(dir: string) {
  const library = new LocalStore({
    skillsDir: join(dir, "skills"),
    ledgerPath: join(dir, "skill-approvals.json"),
    dynamicToolsDir: join(dir, "dynamic-tools"),
    artifactsDir: join(dir, "artifacts"),
  });
  const out: Record<string, unknown> = {};
  for (const kind of ["skill", "approval", "tool", "artifact"] as const) {
    out[kind] = (await library.list(kind)).map(({ name, files }) => ({ name, files }));
  }
  return out;
}

describe("agent store export|import", () => {
  it.skipIf(Boolean(skip))(
    "moves a library from the local folders into Redis and out again unchanged",
    async () => {
      const local = localLibrary("a");
      const exported = await store(["export", join(root, "a-export")], local);
      expect(exported.stderr).toBe("");
      expect(exported).toMatchObject({ code: 0 });
      expect(exported.stdout).toMatch(
        /Exported 2 skills, 1 approval, 1 dynamic tool, 1 artifact from local folders to .*a-export\./,
      );
      const shared = {
        ...localLibrary("b"),
        STORE_URL: (redis as RedisServer).url,
        LLM_MASTER_KEY: MASTER_KEY,
      };
      const imported = await store(["import", join(root, "a-export")], shared);
      expect(imported.stdout).toMatch(
        /Imported 2 skills, 1 approval, 1 dynamic tool, 1 artifact from .* into redis:\/\/127\.0\.0\.1/,
      );
      expect(imported.code).toBe(0);
      const back = await store(["export", join(root, "from-redis.json")], shared);
      expect(back.code, back.stderr).toBe(0);
      const again = await store(["import", join(root, "from-redis.json")], localLibrary("c"));
      expect(again.code, again.stderr).toBe(0);
      const viaJson = await store(["export", join(root, "c-export")], localLibrary("c"));
      expect(viaJson.code).toBe(0);
      expect(await snapshot(join(root, "c-export"))).toEqual(await snapshot(join(root, "a-export")));
      const file = JSON.parse(readFileSync(join(root, "from-redis.json"), "utf8"));
      expect(file).toMatchObject({ format: "ts-coding-agent-library", version: 1 });
      // The approvals in Redis are signed: without the master key none is exported, and the user is told.
      const unsigned = await store(["export", join(root, "no-key.json")], { ...shared, LLM_MASTER_KEY: "" });
      expect(unsigned.stdout).toMatch(/0 approvals/);
      expect(unsigned.stderr).toMatch(/Approvals left out: .*LLM_MASTER_KEY/);
    },
    300_000,
  );

  it.skipIf(Boolean(skip))(
    "an agent REPL on a new Redis seeds the shipped skills, approved by their pins, and a second agent lists them from Redis",
    async () => {
      const llm = await ScriptedLlm.start();
      try {
        const url = `${(redis as RedisServer).url}/9`;
        const first = localLibrary("repl-a");
        const second = { ...localLibrary("repl-b"), SKILLS_DIR: join(root, "repl-b", "no-skills-here") };
        const run = (env: Record<string, string>) =>
          runAgent(
            [],
            agentEnv({
              baseURL: llm.baseURL,
              env: { ...env, STORE_URL: url, LLM_MASTER_KEY: MASTER_KEY, SANDBOX: "local" },
            }),
            { stdin: "/skill list\n", timeoutMs: 120_000 },
          );
        const a = await run(first);
        expect(a.stdout).toMatch(/hello\s+approved/);
        expect(a.stdout).toMatch(/doc_sync\s+approved/);
        // The second agent has no skills folder of its own: what it lists comes from Redis.
        const b = await run(second);
        expect(b.stdout).toMatch(/hello\s+approved/);
        expect(b.stdout).toMatch(/doc_sync\s+approved/);
      } finally {
        await llm.close();
      }
    },
    300_000,
  );

  it("says what is wrong with a bad subcommand, path, library or STORE_URL (exit 2)", async () => {
    const local = localLibrary("bad");
    const cases: Array<[string[], Record<string, string>, RegExp]> = [
      [["frob", "x"], local, /Usage: agent store export <dir or file.json>/],
      [["export"], local, /Usage: agent store export/],
      [["import", join(root, "missing")], local, /No library folder at .*missing/],
      [["import", join(root, "missing.json")], local, /No library file at .*missing\.json/],
      [
        ["export", join(local.DATA_DIR ?? "", "skill-approvals.json")],
        local,
        /already exists; export to a new/,
      ],
      [
        ["export", "x.json"],
        { ...local, STORE_URL: "http://u:hunter2@host" },
        /Invalid STORE_URL=.*expected redis:\/\//,
      ],
      [
        ["export", "x.json"],
        { ...local, STORE_URL: "redis://127.0.0.1:1" },
        /Cannot reach the store at redis:\/\/127\.0\.0\.1:1 .*start Redis or fix STORE_URL/,
      ],
    ];
    writeFileSync(join(root, "foreign.json"), '{"items": 3}');
    cases.push([["import", join(root, "foreign.json")], local, /not a library file from agent store export/]);
    mkdirSync(join(root, "empty"), { recursive: true });
    cases.push([["import", join(root, "empty")], local, /holds no library/]);
    // In parallel: each run starts the agent from source, seconds on a busy machine.
    const runs = await Promise.all(cases.map(([args, env]) => store(args, env)));
    cases.forEach(([args, , message], i) => {
      const run = runs[i];
      expect(run?.stderr, args.join(" ")).toMatch(message);
      expect(run?.stderr).not.toMatch(/hunter2|\n\s+at /);
      expect(run?.code, args.join(" ")).toBe(2);
    });
  }, 180_000);
});
