// Two agents on one real Redis, each in its own process (test/support/library-peer.ts wires the store, the
// approvals ledger, the skill registry and tools, a real toolhost and the tool sync as main.ts does).
import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { type RedisServer, redisUnavailable, startRedis } from "../support/redis-server.js";
import { repoRoot } from "../support/run-agent.js";

const skip = redisUnavailable();
if (skip) console.warn(skip);

const MASTER_KEY = "correct horse battery staple";
const tsxImport = join(repoRoot, "node_modules", "tsx", "dist", "esm", "index.mjs");
const peerScript = join(repoRoot, "test", "support", "library-peer.ts");

interface Reply {
  id?: number;
  ok?: boolean;
  result?: unknown;
  error?: string;
  ready?: boolean;
}

/** One agent process; `ask` sends an op and resolves with its result (rejects with its error). */
class Peer {
  private readonly waiting = new Map<number, (reply: Reply) => void>();
  private nextId = 1;
  readonly ready: Promise<void>;
  stderr = "";

  constructor(readonly child: ChildProcessWithoutNullStreams) {
    let markReady: () => void = () => undefined;
    this.ready = new Promise((resolve) => {
      markReady = resolve;
    });
    child.stderr.on("data", (chunk: Buffer) => {
      this.stderr += chunk.toString();
    });
    createInterface({ input: child.stdout }).on("line", (line) => {
      const reply = JSON.parse(line) as Reply;
      if (reply.ready) markReady();
      else if (reply.id !== undefined) this.waiting.get(reply.id)?.(reply);
    });
  }

  static start(url: string, env: Record<string, string> = {}): Peer {
    const root = mkdtempSync(join(tmpdir(), "library-peer-"));
    roots.push(root);
    const child = spawn(
      process.execPath,
      ["--conditions=ts-coding-agent-source", "--import", tsxImport, peerScript],
      {
        cwd: repoRoot,
        env: {
          PATH: process.env.PATH ?? "",
          STORE_URL: url,
          PEER_ROOT: root,
          LLM_MASTER_KEY: MASTER_KEY,
          ...env,
        },
      },
    );
    const peer = new Peer(child);
    peers.push(peer);
    return peer;
  }

  ask<T = unknown>(op: string, fields: Record<string, unknown> = {}): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.waiting.set(id, (reply) => {
        this.waiting.delete(id);
        if (reply.ok) resolve(reply.result as T);
        else reject(new Error(reply.error));
      });
      this.child.stdin.write(`${JSON.stringify({ id, op, ...fields })}\n`);
    });
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null) return;
    const exited = new Promise((resolve) => this.child.once("exit", resolve));
    this.child.stdin.end();
    await exited;
  }
}

const roots: string[] = [];
const peers: Peer[] = [];
let redis: RedisServer;

beforeAll(async () => {
  if (!skip) redis = await startRedis();
});
afterEach(async () => {
  await Promise.all(peers.splice(0).map((peer) => peer.stop()));
});
afterAll(async () => {
  await redis?.stop();
  for (const root of roots) rmSync(root, { recursive: true, force: true });
});

/** Two agents on a fresh key space of the test Redis (each test gets its own database). */
let database = 0;
async function twoAgents(env: Record<string, string> = {}): Promise<[Peer, Peer]> {
  const url = `${redis.url}/${++database}`;
  const pair: [Peer, Peer] = [Peer.start(url, env), Peer.start(url, env)];
  await Promise.all(pair.map((peer) => peer.ready));
  return pair;
}

const SKILL_MD = (description: string) =>
  `---\nname: greet\ndescription: ${description}\nstatus: proposed\nallowed_tools: []\n---\nSays hello.\n`;
const SKILL_TS = `import type { SkillArgs, SkillContext, SkillResult } from "../skill-api.js";\n\nexport async function run(_args: SkillArgs, _ctx: SkillContext): Promise<SkillResult> {\n  return { ok: true, text: "hello" };\n}\n`;

async function writeGreet(peer: Peer, description = "Greets."): Promise<void> {
  for (const [file, content] of [
    ["SKILL.md", SKILL_MD(description)],
    ["skill.ts", SKILL_TS],
  ] as const) {
    const result = await peer.ask<{ isError: boolean; text: string }>("writeSkill", {
      args: { name: "greet", file, content, overwrite: true },
    });
    expect(result.isError, result.text).toBe(false);
  }
}

const WORD_COUNT = {
  name: "word_count",
  description: "Counts the words of a text.",
  parameters: { type: "object", properties: { text: { type: "string" } }, required: ["text"] },
  code: "export default async function (args: { text: string }) { return String(args.text.split(/\\s+/).filter(Boolean).length); }\n",
};

// Each agent process starts from source with its own toolhost: seconds each on a busy shared machine.
describe.skipIf(Boolean(skip))(
  "a library shared on Redis by two agent processes",
  { timeout: 180_000 },
  () => {
    it("an approval made on agent A is seen by agent B", async () => {
      const [a, b] = await twoAgents();
      await writeGreet(a);
      await expect.poll(() => b.ask("state", { name: "greet" })).toEqual({ kind: "proposed" });
      await a.ask("approve", { name: "greet" });
      await expect
        .poll(() => b.ask("state", { name: "greet" }))
        .toEqual({ kind: "approved", approvedBy: expect.any(String), approvedAt: expect.any(String) });
    });

    it("a skill edited on agent A after approval is revoked on agent B", async () => {
      const [a, b] = await twoAgents();
      await writeGreet(a);
      await a.ask("approve", { name: "greet" });
      await expect
        .poll(async () => (await b.ask<{ kind: string }>("state", { name: "greet" })).kind)
        .toBe("approved");
      const edited = SKILL_MD("Greets, now differently.").replace("status: proposed", "status: approved");
      const result = await a.ask<{ isError: boolean; text: string }>("writeSkill", {
        args: { name: "greet", file: "SKILL.md", content: edited, overwrite: true },
      });
      // An author cannot write status: approved; the edit goes to skill.ts instead.
      expect(result).toMatchObject({ isError: true, text: expect.stringMatching(/cannot approve itself/) });
      const code = await a.ask<{ isError: boolean }>("writeSkill", {
        args: { name: "greet", file: "skill.ts", content: `${SKILL_TS}// edited\n`, overwrite: true },
      });
      expect(code.isError).toBe(false);
      await expect
        .poll(() => b.ask("state", { name: "greet" }))
        .toEqual({ kind: "changed", reason: "edited since it was approved" });
    });

    it("an approval is not honoured by an agent with another LLM_MASTER_KEY, nor without one", async () => {
      const [a] = await twoAgents();
      await writeGreet(a);
      await a.ask("approve", { name: "greet" });
      const url = `${redis.url}/${database}`;
      const other = Peer.start(url, { LLM_MASTER_KEY: "another master key entirely" });
      const none = Peer.start(url, { LLM_MASTER_KEY: "" });
      await Promise.all([other.ready, none.ready]);
      expect(await other.ask("state", { name: "greet" })).toEqual({
        kind: "changed",
        reason: expect.stringMatching(/not signed with this LLM_MASTER_KEY/),
      });
      expect(await none.ask("state", { name: "greet" })).toEqual({
        kind: "changed",
        reason: expect.stringMatching(/signed with a key from LLM_MASTER_KEY; set it/),
      });
      await expect(none.ask("approve", { name: "greet" })).rejects.toThrow(/without LLM_MASTER_KEY/);
    });

    it("a tool created on agent A is hot-loaded by agent B's toolhost and runs there", async () => {
      const [a, b] = await twoAgents();
      const created = await a.ask<{ isError: boolean; text: string }>("createTool", { args: WORD_COUNT });
      expect(created.isError, created.text).toBe(false);
      const started = performance.now();
      expect(await b.ask("hasTool", { name: "word_count", timeoutMs: 10_000 })).toBe(true);
      // How long it took is a figure for bench/README.md, not an assertion (the machine is shared).
      console.info(
        `word_count offered on B ${Math.round(performance.now() - started)} ms after A created it`,
      );
      const result = await b.ask<{ isError: boolean; text: string }>("callTool", {
        name: "word_count",
        args: { text: "one two three" },
      });
      expect(result).toMatchObject({ isError: false, text: expect.stringContaining("3") });
    });

    it("concurrent versioned writes of one skill from two agents lose nothing and never mix files", async () => {
      const [a, b] = await twoAgents();
      await writeGreet(a);
      const count = 100;
      const [fromA, fromB] = await Promise.all([
        a.ask<{ conflicts: number }>("appendLines", { name: "greet", tag: "A", count }),
        b.ask<{ conflicts: number }>("appendLines", { name: "greet", tag: "B", count }),
      ]);
      const item = await a.ask<{ files: Record<string, string> }>("getSkill", { name: "greet" });
      const lines = (item.files["skill.ts"] ?? "").split("\n").filter((line) => line.startsWith("// "));
      expect(lines).toHaveLength(2 * count);
      for (const tag of ["A", "B"]) {
        const own = lines.filter((line) => line.startsWith(`// ${tag} `));
        expect(own).toEqual(Array.from({ length: count }, (_, i) => `// ${tag} ${i}`));
      }
      expect(item.files["SKILL.md"]).toBe(SKILL_MD("Greets."));
      // The two really did race (else the test proves nothing about conflicts).
      expect(fromA.conflicts + fromB.conflicts).toBeGreaterThan(0);
    });
  },
);
