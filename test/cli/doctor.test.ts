// `agent doctor` through the real CLI against the scripted server: each check one line, each failure with its
// fix, exit 0 or 1; and the same checks, only problems shown, when the REPL starts on a terminal.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { PtySession } from "../support/pty.js";
import { agentArgs, agentEnv, repoRoot, runAgent } from "../support/run-agent.js";
import { renderScreen } from "../support/screen.js";
import { ScriptedLlm } from "../support/scripted-llm.js";

let llm: ScriptedLlm;
let pty: PtySession | undefined;
beforeEach(async () => {
  llm = await ScriptedLlm.start({ ollama: true });
});
afterEach(async () => {
  pty?.kill();
  pty = undefined;
  await llm.close();
});

const ollamaEnv = (model: string, extra: Record<string, string> = {}) =>
  agentEnv({
    baseURL: llm.baseURL,
    env: { LLM_PROVIDER: "ollama", OLLAMA_BASE_URL: llm.rootURL, OLLAMA_MODEL: model, ...extra },
  });
const doctor = (env: Record<string, string>) => runAgent(["doctor"], env);

describe("agent doctor", () => {
  it("passes every check for a pulled model with tool support, saying where the context window came from", async () => {
    llm.models["qwen2.5-coder:7b"] = { contextLength: 32_768, capabilities: ["completion", "tools"] };
    const result = await doctor(ollamaEnv("qwen2.5-coder:7b"));
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/✓ reachable +Ollama 0\.12\.3 at http:\/\/127\.0\.0\.1:\d+/);
    expect(result.stdout).toMatch(/✓ model +model qwen2\.5-coder:7b is pulled/);
    expect(result.stdout).toMatch(/✓ tools +qwen2\.5-coder:7b can call tools/);
    expect(result.stdout).toMatch(/✓ context +context window 32768 tokens \(Ollama \/api\/show: 32768\)/);
    expect(result.stdout).toContain("All checks passed.");
  });

  it("says to pull a model that is not there, and exits 1", async () => {
    llm.models["llama3.1:8b"] = { contextLength: 131_072 };
    const result = await doctor(ollamaEnv("qwen2.5-coder:7b"));
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(
      /✗ model +model qwen2\.5-coder:7b is not pulled: run ollama pull qwen2\.5-coder:7b/,
    );
  });

  it("says a model cannot call tools, and which to pick", async () => {
    llm.models["gemma:2b"] = { contextLength: 8_192, capabilities: ["completion"] };
    const result = await doctor(ollamaEnv("gemma:2b"));
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(
      /✗ tools +gemma:2b cannot call tools \(Ollama lists: completion\): pick one/,
    );
  });

  it("names the URL and how to start Ollama when nothing answers", async () => {
    const result = await doctor(ollamaEnv("m", { OLLAMA_BASE_URL: "http://127.0.0.1:9" }));
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(
      /✗ reachable +Ollama at http:\/\/127\.0\.0\.1:9: no answer\. Start it \(ollama serve/,
    );
    expect(result.stdout).not.toMatch(/[✓✗] (model|tools)/);
  });

  it("says how to store a key for a hosted provider that has none", async () => {
    const env = agentEnv({ baseURL: llm.baseURL, env: { LLM_PROVIDER: "groq", GROQ_BASE_URL: llm.baseURL } });
    delete (env as Record<string, string | undefined>).GROQ_API_KEY;
    const result = await doctor(env);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(
      /✗ key +no key for groq: store one with \/key groq in the REPL, or set GROQ_API_KEY/,
    );
  });

  it("checks a model an OpenAI-compatible server does not serve", async () => {
    llm.models.other = { listed: { max_model_len: 8_192 } };
    const result = await doctor(agentEnv({ baseURL: llm.baseURL, env: { OPENAI_MODEL: "gpt-4o-mini" } }));
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/✗ model +model gpt-4o-mini is not served here \(it has: other\)/);
  });
});

describe("the REPL's start-up check", () => {
  it("shows a missing model with its fix under the banner, and the prompt still comes", async () => {
    const env = { ...ollamaEnv("qwen2.5-coder:7b"), TERM: "xterm-256color" };
    pty = new PtySession(
      process.execPath,
      agentArgs(["--sandbox", "local", "--workspace", repoRoot]),
      env,
      repoRoot,
    );
    await expect.poll(async () => (await renderScreen(pty?.raw ?? "")).at(-1), { timeout: 20_000 }).toBe(">");
    const lines = await renderScreen(pty.raw);
    expect(lines.some((l) => /✗ model +model qwen2\.5-coder:7b is not pulled: run ollama pull/.test(l))).toBe(
      true,
    );
    expect(lines.some((l) => /reachable/.test(l))).toBe(false); // only problems at start-up
  });
});
