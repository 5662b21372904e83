// Configuration: defaults, precedence of flags over variables, and one clear line for every bad value.
import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../../agent/src/config.js";

const base = { HOME: "/home/test", DATA_DIR: "/tmp/agent-data-test", AGENT_IN_CONTAINER: "0" };
const load = (argv: string[], env: Record<string, string> = {}) => loadConfig(argv, { ...base, ...env });
const failure = (argv: string[], env: Record<string, string> = {}) => {
  try {
    load(argv, env);
  } catch (error) {
    if (ConfigError.isInstance(error)) return error.message;
    throw error;
  }
  throw new Error("expected a ConfigError");
};

describe("config", () => {
  it("has the documented defaults", () => {
    const config = load([]);
    expect(config.mode).toEqual({ kind: "repl" });
    expect(config.provider).toBe("ollama");
    expect(config.maxSteps).toBe(30);
    expect(config.sandbox).toMatchObject({ kind: "local", network: "none" });
    expect(config.keystorePath).toBe("/tmp/agent-data-test/keys.enc");
    expect(config.sessionsDir).toBe("/tmp/agent-data-test/sessions");
    expect(config.providers.find((p) => p.name === "ollama")?.baseURL).toBe(
      "http://host.docker.internal:11434",
    );
  });

  it("authenticates to LiteLLM with its master key unless LITELLM_API_KEY is set", () => {
    expect(load([], { LITELLM_MASTER_KEY: "sk-master-0123456789" }).envKeys.litellm).toBe(
      "sk-master-0123456789",
    );
    const both = load([], { LITELLM_MASTER_KEY: "sk-master-0123456789", LITELLM_API_KEY: "sk-virtual-0123" });
    expect(both.envKeys.litellm).toBe("sk-virtual-0123");
  });

  it("takes OLLAMA_BASE_URL as the server root (Ollama's native API), dropping a /v1 left from older setups", () => {
    const root = load([], { OLLAMA_BASE_URL: "http://localhost:11434/v1" }).providers.find(
      (p) => p.name === "ollama",
    );
    expect(root).toMatchObject({ api: "ollama", baseURL: "http://localhost:11434" });
    const config = load([], { OLLAMA_BASE_URL: "http://localhost:11434/", OLLAMA_MODEL: "llama3.1" });
    const ollama = config.providers.find((p) => p.name === "ollama");
    expect(ollama).toMatchObject({ baseURL: "http://localhost:11434", defaultModel: "llama3.1" });
  });

  it("lets flags override variables", () => {
    const config = load(["--max-steps", "5", "--provider", "groq", "--model", "m", "--sandbox", "docker"], {
      MAX_STEPS: "9",
      LLM_PROVIDER: "openai",
    });
    expect(config).toMatchObject({ maxSteps: 5, provider: "groq", model: "m", sandbox: { kind: "docker" } });
  });

  it("takes TOOL_MODE or --tool-mode (calls by default) and refuses any other mode", () => {
    expect(load([]).toolMode).toBe("calls");
    expect(load([], { TOOL_MODE: "code" }).toolMode).toBe("code");
    expect(load(["--tool-mode", "both"], { TOOL_MODE: "code" }).toolMode).toBe("both");
    expect(failure([], { TOOL_MODE: "python" })).toMatch(/TOOL_MODE.*python.*calls, code or both/);
    expect(failure(["--tool-mode", "all"])).toMatch(/--tool-mode.*all.*calls, code or both/);
  });

  it("parses print mode, --json and --resume with and without a session", () => {
    expect(load(["-p", "task", "--json"]).mode).toEqual({ kind: "print", task: "task", json: true });
    expect(load(["--resume"]).resume).toBe("latest");
    expect(load(["--resume", "-p", "x"]).resume).toBe("latest");
    expect(load(["--resume", "2026-abc"]).resume).toBe("2026-abc");
    expect(load(["keys", "rotate"]).mode).toEqual({ kind: "keys-rotate" });
  });

  it.each([
    [{ MAX_STEPS: "0" }, 'Invalid MAX_STEPS="0": expected a whole number from 1 to 1000.'],
    [{ MAX_STEPS: "2.5" }, 'Invalid MAX_STEPS="2.5": expected a whole number from 1 to 1000.'],
    [{ SANDBOX: "vm" }, 'Invalid SANDBOX="vm": expected docker or local.'],
    [
      { LOG_LEVEL: "loud" },
      'Invalid LOG_LEVEL="loud": expected fatal, error, warn, info, debug, trace or silent.',
    ],
    [
      { LLM_PROVIDER: "acme" },
      'Invalid LLM_PROVIDER="acme": expected one of ollama, litellm, openai, groq, openrouter.',
    ],
    [{ LLM_STREAM: "maybe" }, 'Invalid LLM_STREAM="maybe": expected true or false.'],
    [
      { LLM_TIMEOUT_SECONDS: "-1" },
      'Invalid LLM_TIMEOUT_SECONDS="-1": expected a whole number of seconds from 1 to 3600.',
    ],
    [
      { LLM_MASTER_KEY: "short" },
      "Invalid LLM_MASTER_KEY: expected at least 12 characters (a long random passphrase).",
    ],
    [
      { SANDBOX_NETWORK: "a b" },
      'Invalid SANDBOX_NETWORK="a b": expected a Docker network name such as none or bridge.',
    ],
    [
      { PROVIDERS_FILE: "/nonexistent/providers.json" },
      'Invalid PROVIDERS_FILE="/nonexistent/providers.json": the file does not exist.',
    ],
  ])("rejects %o with one line naming the variable, the value and what is accepted", (env, message) => {
    expect(failure([], env)).toBe(message);
  });

  it("rejects bad flags with a pointer to --help", () => {
    expect(failure(["--max-steps", "many"])).toBe(
      'Invalid --max-steps "many": expected a whole number from 1 to 1000.',
    );
    expect(failure(["--nope"])).toBe("Unknown option '--nope'. Run agent --help for usage.");
    expect(failure(["stray"])).toMatch(/Unexpected argument "stray"/);
    expect(failure(["-p", " "])).toMatch(/Invalid --print/);
    expect(failure(["--json"])).toBe("--json works with --print only.");
  });

  it("adds custom providers from a providers file and rejects a malformed one naming the field", async () => {
    const { mkdtempSync, writeFileSync } = await import("node:fs");
    const { join } = await import("node:path");
    const { tmpdir } = await import("node:os");
    const dir = mkdtempSync(join(tmpdir(), "providers-"));
    const good = join(dir, "good.json");
    writeFileSync(
      good,
      JSON.stringify({ providers: { lmstudio: { baseURL: "http://127.0.0.1:1234/v1", model: "qwen" } } }),
    );
    const config = load(["--provider", "lmstudio"], { PROVIDERS_FILE: good });
    expect(config.providers.find((p) => p.name === "lmstudio")).toMatchObject({
      defaultModel: "qwen",
      keyName: "lmstudio",
    });
    const bad = join(dir, "bad.json");
    writeFileSync(bad, JSON.stringify({ providers: { lmstudio: { baseURL: "not a url", model: "x" } } }));
    expect(failure([], { PROVIDERS_FILE: bad })).toMatch(
      /Invalid providers file .*bad\.json at providers\.lmstudio\.baseURL/,
    );
  });
});
