// /reload re-reads mcp.json: a server added while the REPL is open becomes available without a restart, and a
// broken mcp.json is reported without losing the servers already connected.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { type SpawnedServer, spawnServer } from "../mcp-servers/support/spawn-server.js";
import { PtySession } from "../support/pty.js";
import { agentArgs, agentEnv, repoRoot } from "../support/run-agent.js";
import { ScriptedLlm } from "../support/scripted-llm.js";

let datetime: SpawnedServer;
let llm: ScriptedLlm;
let pty: PtySession | undefined;
beforeAll(async () => {
  [datetime, llm] = await Promise.all([spawnServer("mcp-servers/datetime/src/main.ts"), ScriptedLlm.start()]);
});
afterAll(async () => {
  pty?.kill();
  datetime?.child.kill("SIGTERM");
  await llm?.close();
});

it("picks up a server added to mcp.json on /reload, and reports a broken file without dropping servers", async () => {
  const workspace = mkdtempSync(join(tmpdir(), "agent-ws-"));
  const mcpFile = join(workspace, "..", `mcp-${Date.now()}.json`);
  writeFileSync(mcpFile, JSON.stringify({ mcpServers: {} }));
  pty = new PtySession(
    process.execPath,
    agentArgs(["--workspace", workspace, "--sandbox", "local", "--mcp-config", mcpFile]),
    agentEnv({ baseURL: llm.baseURL }),
    repoRoot,
  );
  await pty.waitFor(/\/help for commands/);
  writeFileSync(mcpFile, JSON.stringify({ mcpServers: { datetime: { url: `${datetime.baseUrl}/mcp` } } }));
  pty.type("/reload\r");
  await pty.waitFor(/datetime: up, 3 tools/);
  pty.type("/tools\r");
  await pty.waitFor(/datetime__get_current_time/);
  writeFileSync(mcpFile, "{ not json");
  pty.type("/reload\r");
  await pty.waitFor(/Reloading failed: .*mcp-\d+\.json/);
  pty.type("/tools\r");
  await pty.waitFor(/datetime \[http\] up/);
  pty.type("/bye\r");
  expect(await pty.exited).toBe(0);
});
