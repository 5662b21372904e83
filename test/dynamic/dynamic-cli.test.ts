// The real CLI (REPL on piped stdin, local sandbox): /tools lists dynamic tools and the ones that failed to
// load with the reason; /reload picks up a tool written to $DATA_DIR/dynamic-tools after start-up.
import { mkdtempSync } from "node:fs";
import { rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { sha256Of, writeToolFolder } from "../../mcp-servers/toolhost/src/dynamic/tool-files.js";
import { PATH_SCHEMA, WORD_COUNT_CODE } from "../mcp-servers/toolhost/dynamic-harness.js";
import { agentEnv, runAgent } from "../support/run-agent.js";
import { ScriptedLlm } from "../support/scripted-llm.js";

let llm: ScriptedLlm;
let root: string;

beforeEach(async () => {
  llm = await ScriptedLlm.start();
  root = mkdtempSync(join(tmpdir(), "dynamic-cli-"));
});
afterEach(async () => {
  await llm.close();
  await rm(root, { recursive: true, force: true });
});

async function writeTool(name: string, code: string): Promise<void> {
  const manifest = {
    name,
    description: `Tool ${name}.`,
    parameters: PATH_SCHEMA,
    sha256: sha256Of(code),
    createdAt: new Date().toISOString(),
  };
  await writeToolFolder(join(root, "data", "dynamic-tools"), manifest, code);
}

describe("dynamic tools in the REPL", () => {
  it("/tools shows a loaded dynamic tool and a broken one with its reason, and /reload reports both again", async () => {
    await writeTool("word_count", WORD_COUNT_CODE);
    await writeTool("half_done", "export default async (args) => {\n  return args.;\n};\n");
    const env = agentEnv({ baseURL: llm.baseURL, dataDir: join(root, "data") });
    const workspace = mkdtempSync(join(root, "ws-"));
    const result = await runAgent(["--workspace", workspace, "--sandbox", "local"], env, {
      stdin: "/tools\n/reload\n",
      timeoutMs: 60_000,
    });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/ {2}word_count +Tool word_count\./);
    expect(result.stdout).toContain(
      "Failed to load:\n  half_done: Syntax error in the code: line 2, column 15",
    );
    expect(result.stdout).toMatch(/toolhost: up, \d+ tools/);
    expect(result.stdout.split("half_done: Syntax error")).toHaveLength(3);
    expect(llm.requests).toHaveLength(0);
  }, 90_000);
});
