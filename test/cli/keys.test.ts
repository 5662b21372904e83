// Provider keys through the real CLI: /key stores, lists, removes; the stored key is the one the provider
// sends; without LLM_MASTER_KEY /key explains how to enable it; `agent keys rotate` re-encrypts.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { agentEnv, runAgent } from "../support/run-agent.js";
import { ScriptedLlm } from "../support/scripted-llm.js";

let llm: ScriptedLlm;
let workspace: string;
let dataDir: string;
beforeEach(async () => {
  llm = await ScriptedLlm.start();
  workspace = mkdtempSync(join(tmpdir(), "agent-ws-"));
  dataDir = mkdtempSync(join(tmpdir(), "agent-data-"));
});
afterEach(async () => {
  await llm.close();
});

const MASTER = "correct horse battery staple";
const repl = (stdin: string, env: Record<string, string> = {}) =>
  runAgent(
    ["--workspace", workspace, "--sandbox", "local"],
    agentEnv({ baseURL: llm.baseURL, dataDir, env: { LLM_MASTER_KEY: MASTER, ...env } }),
    { stdin },
  );

describe("/key", () => {
  it("stores a key without echoing it, lists it masked, and the provider sends it (keystore before env)", async () => {
    llm.enqueue({ text: "hi" });
    const key = "sk-stored-9f8e7d6c5b4a3210";
    const result = await repl(`/key openai ${key}\n/key list\nhello\n`);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("Stored the key for openai (sk-…3210)");
    expect(result.stdout).toMatch(/openai\s+sk-…3210/);
    expect(result.stdout + result.stderr).not.toContain(key);
    expect(llm.requests[0]?.headers.authorization).toBe(`Bearer ${key}`);
    expect(llm.requests[0]?.raw).not.toContain(key);
  });

  it("keeps the key across restarts and removes it on /key remove", async () => {
    await repl("/key groq gsk-persisted-12345678\n");
    const second = await repl("/key list\n/key remove groq\n/key list\n");
    expect(second.stdout).toMatch(/groq\s+gsk_?…|groq\s+…/);
    expect(second.stdout).toContain("Removed the key for groq.");
    expect(second.stdout).toContain("No keys stored.");
  });

  it("refuses an unknown provider, listing the valid ones, and prints help", async () => {
    const result = await repl("/key acme sk-whatever-123456\n/key\n");
    expect(result.stderr).toMatch(
      /Unknown provider "acme"\. Keys can be stored for: ollama, litellm, openai/,
    );
    expect(result.stdout).toContain("/key remove <provider>");
  });

  it("explains how to enable the keystore when LLM_MASTER_KEY is not set, and still runs on env keys", async () => {
    llm.enqueue({ text: "fine" });
    const result = await runAgent(
      ["--workspace", workspace, "--sandbox", "local"],
      agentEnv({ baseURL: llm.baseURL, dataDir }),
      { stdin: "/key openai sk-abcdefgh12345\nhello\n" },
    );
    expect(result.stderr).toMatch(/keystore is off: set LLM_MASTER_KEY/);
    expect(result.stdout).toContain("fine");
    expect(llm.requests[0]?.headers.authorization).toBe("Bearer sk-test-0123456789abcdef");
  });

  it("refuses to start with a wrong master key, exit 2, naming the file, and leaves it intact", async () => {
    await repl("/key openai sk-first-key-abcdefgh\n");
    const { readFileSync } = await import("node:fs");
    const before = readFileSync(join(dataDir, "keys.enc"));
    const result = await repl("/key list\n", { LLM_MASTER_KEY: "a different master key" });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(join(dataDir, "keys.enc"));
    expect(result.stderr).toMatch(/LLM_MASTER_KEY/);
    expect(readFileSync(join(dataDir, "keys.enc")).equals(before)).toBe(true);
  });
});

describe("agent keys rotate", () => {
  it("re-encrypts under LLM_NEW_MASTER_KEY: the new key opens it, the old one no longer does", async () => {
    await repl("/key openai sk-rotating-key-12345678\n");
    const env = agentEnv({
      baseURL: llm.baseURL,
      dataDir,
      env: { LLM_MASTER_KEY: MASTER, LLM_NEW_MASTER_KEY: "the new master key!" },
    });
    const rotated = await runAgent(["keys", "rotate"], env);
    expect(rotated.code).toBe(0);
    expect(rotated.stdout).toMatch(/Re-encrypted 1 key/);
    const withNew = await repl("/key list\n", { LLM_MASTER_KEY: "the new master key!" });
    expect(withNew.stdout).toMatch(/openai\s+sk-…5678/);
    const withOld = await repl("/key list\n");
    expect(withOld.code).toBe(2);
  });

  it("exits 2 with what to set when no new key is given", async () => {
    const result = await runAgent(
      ["keys", "rotate"],
      agentEnv({ baseURL: llm.baseURL, dataDir, env: { LLM_MASTER_KEY: MASTER } }),
    );
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("set LLM_NEW_MASTER_KEY");
  });
});
