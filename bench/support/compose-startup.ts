// `docker compose run agent` to the prompt: the stack's services started once (project tca-bench, its own
// network and volumes), then each run times spawn → the answer to a first slash command on piped stdin (a piped
// REPL prints no banner: its first answer is the moment it is ready), then EOF ends it.
import { execFile, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { repoRoot } from "../../test/support/run-agent.js";
import { BenchCheckError, withDeadline } from "./bounded.js";
import { dockerReady } from "./docker-box.js";

const run = promisify(execFile);
const PROJECT = "tca-bench";
const IMAGES = [
  "ts-coding-agent:latest",
  "ts-coding-agent-datetime-mcp:latest",
  "ts-coding-agent-python-mcp:latest",
];

/** Why compose start-up cannot be measured here, or undefined when it can. */
export async function composeUnavailable(): Promise<string | undefined> {
  try {
    await run("docker", ["compose", "version"], { timeout: 10_000 });
  } catch {
    return "docker compose is not installed";
  }
  for (const image of IMAGES) {
    if (!(await dockerReady(image))) return `the image ${image} is not built (run docker compose build)`;
  }
  return undefined;
}

function compose(args: string[], env: NodeJS.ProcessEnv, timeoutMs: number) {
  return run("docker", ["compose", "-p", PROJECT, ...args], { cwd: repoRoot, env, timeout: timeoutMs });
}

/** Milliseconds from `docker compose run agent` to its first answer, `runs` times (services started first). */
export async function composeStartupTimes(runs: number): Promise<number[]> {
  const workspace = mkdtempSync(join(tmpdir(), "bench-compose-ws-"));
  const env = {
    ...process.env,
    AGENT_WORKSPACE: workspace,
    HOST_WORKSPACE_DIR: workspace,
    LLM_PROVIDER: "openai",
    OPENAI_BASE_URL: "http://127.0.0.1:9/v1",
    OPENAI_API_KEY: "sk-bench-0123456789",
    LOG_LEVEL: "warn",
  };
  const times: number[] = [];
  try {
    await compose(["up", "-d", "datetime-mcp", "python-mcp"], env, 120_000);
    for (let i = 0; i < runs; i++) times.push(await bannerTime(env));
    return times;
  } finally {
    await compose(["down", "-v", "--remove-orphans"], env, 120_000).catch(() => undefined);
    rmSync(workspace, { recursive: true, force: true });
  }
}

function bannerTime(env: NodeJS.ProcessEnv): Promise<number> {
  const started = performance.now();
  const child = spawn("docker", ["compose", "-p", PROJECT, "run", "--rm", "-T", "agent"], {
    cwd: repoRoot,
    env,
    stdio: ["pipe", "pipe", "pipe"],
  });
  let output = "";
  const banner = new Promise<number>((resolve, reject) => {
    child.stdout.on("data", (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes("Active: openai")) {
        resolve(performance.now() - started);
        child.stdin.end();
      }
    });
    child.stderr.on("data", (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.on("close", (code) =>
      reject(
        new BenchCheckError(
          `docker compose run agent exited ${code} before answering /providers: ${output.slice(-400)}`,
        ),
      ),
    );
  });
  child.stdin.write("/providers\n"); // read once the REPL is ready; answered before any tool or LLM call
  const closed = new Promise((resolve) => child.once("close", resolve));
  return withDeadline(banner, 90_000, "docker compose run agent", () => child.kill("SIGKILL")).finally(() =>
    withDeadline(closed, 30_000, "docker compose run agent exit", () => child.kill("SIGKILL")).catch(
      () => undefined,
    ),
  );
}
