// The peer agent, pi (@mariozechner/pi-coding-agent), installed on demand into the git-ignored bench/.peer
// (never a project dependency) and run in print mode with a custom OpenAI-compatible provider pointing at
// the scripted server: models.json in a private agent directory, no session, no discovery, offline.
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { repoRoot } from "../../test/support/run-agent.js";
import { spawnCollecting } from "../../test/support/spawn-collecting.js";
import type { AgentProcess } from "./agent-process.js";
import { BenchCheckError } from "./bounded.js";

export const PI_PACKAGE = "@mariozechner/pi-coding-agent";
export const PI_VERSION = "0.73.1";
const peerDir = join(repoRoot, "bench", ".peer");
const piCli = join(peerDir, "node_modules", "@mariozechner", "pi-coding-agent", "dist", "cli.js");

/** Installs pi into bench/.peer when it is missing (a few seconds, from the npm registry). */
export function ensurePi(): string {
  if (existsSync(piCli)) return piCli;
  process.stderr.write(
    `bench: installing ${PI_PACKAGE}@${PI_VERSION} into bench/.peer (peer benchmark only)\n`,
  );
  mkdirSync(peerDir, { recursive: true });
  const manifest = join(peerDir, "package.json");
  if (!existsSync(manifest)) writeFileSync(manifest, '{"name":"bench-peer","private":true}\n');
  try {
    execFileSync(
      "npm",
      ["install", "--prefix", peerDir, "--no-audit", "--no-fund", `${PI_PACKAGE}@${PI_VERSION}`],
      { stdio: ["ignore", "ignore", "inherit"], timeout: 300_000 },
    );
  } catch (error) {
    throw new BenchCheckError(
      `Could not install ${PI_PACKAGE}@${PI_VERSION} into bench/.peer (${String(error)}); install it by ` +
        `hand with npm install --prefix bench/.peer ${PI_PACKAGE}@${PI_VERSION}, or skip: npm run bench -- loop tools startup footprint datetime.`,
    );
  }
  if (!existsSync(piCli)) throw new BenchCheckError(`pi's CLI is missing at ${piCli} after the install.`);
  return piCli;
}

/** pi's read tool: 1-based line offset and a limit, a different window each step. */
export const piReadDialect = {
  toolName: "read",
  args: (step: number) => ({ path: "small.txt", offset: 1 + (step % 5), limit: 10 }),
};

export function startPi(task: string, options: { baseURL: string; workspace: string; timeoutMs: number }) {
  const cli = ensurePi();
  const home = mkdtempSync(join(tmpdir(), "bench-pi-home-"));
  const agentDir = join(home, "agent");
  mkdirSync(agentDir, { recursive: true });
  const models = {
    providers: {
      bench: {
        baseUrl: options.baseURL,
        api: "openai-completions",
        apiKey: "sk-bench-0123456789",
        compat: { supportsDeveloperRole: false, supportsReasoningEffort: false },
        models: [{ id: "scripted", reasoning: false, contextWindow: 128_000, maxTokens: 4_096 }],
      },
    },
  };
  writeFileSync(join(agentDir, "models.json"), JSON.stringify(models, null, 2));
  const env = {
    PATH: process.env.PATH ?? "/usr/bin:/bin",
    HOME: home,
    LANG: "C.UTF-8",
    PI_CODING_AGENT_DIR: agentDir,
    PI_OFFLINE: "1",
    PI_TELEMETRY: "0",
    PI_SKIP_VERSION_CHECK: "1",
    NO_COLOR: "1",
  };
  const args = [
    cli,
    "-p",
    task,
    "--provider",
    "bench",
    "--model",
    "scripted",
    "--no-session",
    "--no-extensions",
    "--no-skills",
    "--no-prompt-templates",
    "--no-themes",
    "--no-context-files",
  ];
  return spawnCollecting(process.execPath, args, {
    env,
    cwd: options.workspace,
    timeoutMs: options.timeoutMs,
    onClose: () => rmSync(home, { recursive: true, force: true }),
  }) satisfies AgentProcess;
}
