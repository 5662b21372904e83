// One agent's library side in its own process, wired as main.ts wires it (store, approvals ledger, skill
// registry and agent-side skill tools, tool hub over a real toolhost, tool sync), driven by JSON lines on stdin
// so a test can run two agents on one Redis. Env: STORE_URL, PEER_ROOT, LLM_MASTER_KEY (optional).
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { installTool, PublishingTools } from "../../agent/src/hub/publishing-tools.js";
import { ToolHub } from "../../agent/src/hub/tool-hub.js";
import { LocalLauncher } from "../../agent/src/sandbox/local.js";
import { commitApproval, prepareApproval } from "../../agent/src/skills/approve-skill.js";
import { openLibrary } from "../../agent/src/skills/open-library.js";
import { SkillRegistry } from "../../agent/src/skills/registry.js";
import { SkillHostTools } from "../../agent/src/skills/skill-host-tools.js";
import { StoreConflictError } from "../../agent/src/store/store.js";
import { ToolSync } from "../../agent/src/store/tool-sync.js";

const root = process.env.PEER_ROOT ?? "";
const repoRoot = join(import.meta.dirname, "..", "..");
const skillApiPath = join(repoRoot, "skills", "skill-api.d.ts");
for (const dir of ["skills", "data", "ws", "dynamic-tools", "playbooks"])
  mkdirSync(join(root, dir), { recursive: true });

const library = await openLibrary(
  {
    storeUrl: process.env.STORE_URL,
    skillsDir: join(root, "skills"),
    dataDir: join(root, "data"),
    dynamicToolsDir: join(root, "dynamic-tools"),
    workspaceDir: join(root, "ws"),
    ...(process.env.LLM_MASTER_KEY ? { masterKey: process.env.LLM_MASTER_KEY } : {}),
  },
  false,
);
const registry = new SkillRegistry({ store: library.store, ledger: library.ledger });
const hostTools = new SkillHostTools({ store: library.store, playbooksDir: join(root, "playbooks") });
const hub = new ToolHub({
  launcher: new LocalLauncher({
    workspace: join(root, "ws"),
    dynamicToolsDir: join(root, "dynamic-tools"),
    shellTimeoutSeconds: 30,
  }),
  servers: [],
});
await hub.listTools();
const sync = new ToolSync({
  store: library.store,
  directory: join(root, "dynamic-tools"),
  install: (tool) => installTool(hub, tool),
  logError: (message) => process.stderr.write(`${message}\n`),
});
await sync.start();
const tools = new PublishingTools(hub, (name) => void sync.pushNow(name));
const signal = new AbortController().signal;

type Request = { id: number; op: string } & Record<string, unknown>;

async function handle(request: Request): Promise<unknown> {
  const name = String(request.name ?? "");
  switch (request.op) {
    case "writeSkill":
      return hostTools.callTool("skill_write", request.args as Record<string, unknown>, { signal });
    case "state":
      return registry.scan().find((entry) => entry.name === name)?.state ?? null;
    case "approve": {
      const approval = await prepareApproval(registry, name, skillApiPath);
      return commitApproval(registry, approval);
    }
    case "getSkill":
      return (await library.store.get("skill", name)) ?? null;
    case "createTool":
      return tools.callTool("create_tool", request.args as Record<string, unknown>, { signal });
    case "callTool":
      return hub.callTool(name, request.args as Record<string, unknown>, { signal });
    case "hasTool": {
      // Waits (up to `timeoutMs`) for the tool to be offered, as the loop would see it before its next request.
      const deadline = Date.now() + Number(request.timeoutMs ?? 10_000);
      for (;;) {
        if ((await hub.listTools()).some((tool) => tool.name === name)) return true;
        if (Date.now() > deadline) return false;
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    }
    case "appendLines":
      return appendLines(name, String(request.tag), Number(request.count));
    default:
      throw new Error(`unknown op ${request.op}`);
  }
}

/** Read-modify-write of skill.ts, `count` times, each a versioned write retried on conflict. */
async function appendLines(name: string, tag: string, count: number) {
  let conflicts = 0;
  for (let i = 0; i < count; i++) {
    for (;;) {
      const item = await library.store.get("skill", name);
      if (!item) throw new Error(`no skill ${name}`);
      const files = { ...item.files, "skill.ts": `${item.files["skill.ts"] ?? ""}// ${tag} ${i}\n` };
      try {
        await library.store.put("skill", name, files, { expected: item.version });
        break;
      } catch (error) {
        if (!StoreConflictError.isInstance(error)) throw error;
        conflicts++;
      }
    }
  }
  return { conflicts };
}

const reply = (value: unknown) => process.stdout.write(`${JSON.stringify(value)}\n`);
reply({ ready: true });
for await (const line of createInterface({ input: process.stdin })) {
  if (!line.trim()) continue;
  const request = JSON.parse(line) as Request;
  try {
    reply({ id: request.id, ok: true, result: await handle(request) });
  } catch (error) {
    reply({ id: request.id, ok: false, error: error instanceof Error ? error.message : String(error) });
  }
}
sync.close();
await hub.close();
await library.store.close();
