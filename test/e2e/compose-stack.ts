// Drives the Compose stack for the end-to-end test: a unique project over temp directories, bounded compose
// commands, agent runs (print mode, or a live REPL fed line by line), and a cleanup that leaves nothing behind.
import { type ChildProcessWithoutNullStreams, execFile, spawn } from "node:child_process";
import { chown, copyFile, mkdir, mkdtemp, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import Dockerode from "dockerode";

export const repoRoot = resolve(fileURLToPath(import.meta.url), "..", "..", "..");
const OVERRIDE = join(repoRoot, "test", "e2e", "compose.e2e.yml");
export const docker = new Dockerode();

/** How a finished command ended. */
export interface CommandResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** A scripted model turn (see scripted-llm-service.ts). */
export interface ScenarioStep {
  text?: string;
  toolCalls?: Array<{ name: string; arguments: Record<string, unknown> }>;
}

/** How one compose command differs from the stack's defaults. */
export interface RunOptions {
  /** Variables for this command only (a wrong DOCKER_GID), over the stack's. */
  env?: Record<string, string>;
  /** The .env Compose reads (`--env-file`); default: the stack's own, empty, so a developer's .env never leaks in. */
  envFile?: string;
  /** Only the shipped docker-compose.yml, without the e2e override and the extra files. */
  shippedOnly?: boolean;
}

export class ComposeStack {
  private extraFiles: string[] = [];

  private constructor(
    /** Unique Compose project name; also the tag of the images this stack builds. */
    readonly project: string,
    /** Temp root holding the workspace, dynamic tools, config, scenarios and the docs' example server. */
    readonly root: string,
    /** The Docker socket's group: the right DOCKER_GID. */
    readonly dockerGid: string,
  ) {}

  /**
   * A stack over fresh temp folders. `composeFiles` are added after docker-compose.yml and the e2e override
   * (the docs' docker-compose.override.yml, say).
   */
  static async create(
    scenarios: Record<string, ScenarioStep[]>,
    setup: (root: string) => Promise<string[]> = async () => [],
  ): Promise<ComposeStack> {
    const root = await mkdtemp(join(tmpdir(), "tca-e2e-"));
    for (const dir of ["workspace", "dynamic-tools", "scenarios", "config"]) await mkdir(join(root, dir));
    // The sandbox and the agent run as uid 1000, as they would for a user whose files those are.
    await chown(join(root, "workspace"), 1000, 1000);
    await chown(join(root, "dynamic-tools"), 1000, 1000);
    await writeFile(join(root, "scenarios", "scenarios.json"), JSON.stringify(scenarios));
    await copyFile(join(repoRoot, "config", "mcp.json"), join(root, "config", "mcp.json"));
    await writeFile(join(root, "e2e.env"), "");
    const gid = String((await stat("/var/run/docker.sock")).gid);
    const stack = new ComposeStack(`tca-e2e-${Math.random().toString(36).slice(2, 10)}`, root, gid);
    stack.extraFiles = await setup(root);
    return stack;
  }

  get workspace(): string {
    return join(this.root, "workspace");
  }

  /** The folder mounted at /app/config (mcp.json). */
  get config(): string {
    return join(this.root, "config");
  }

  /** The agent (and sandbox) image this stack builds: never the user's `latest`, nor another run's. */
  get image(): string {
    return `ts-coding-agent:${this.project}`;
  }

  /** The variables compose interpolates, and nothing of ours. */
  env(): Record<string, string> {
    return {
      PATH: process.env.PATH ?? "/usr/local/bin:/usr/bin:/bin",
      HOME: process.env.HOME ?? "/root",
      COMPOSE_PROJECT_NAME: this.project,
      E2E_TAG: this.project,
      SANDBOX_IMAGE: this.image,
      AGENT_WORKSPACE: this.workspace,
      AGENT_DYNAMIC_TOOLS: join(this.root, "dynamic-tools"),
      AGENT_CONFIG: this.config,
      E2E_SCENARIOS_DIR: join(this.root, "scenarios"),
      DOCKER_GID: this.dockerGid,
      SANDBOX_MEMORY_MB: "512",
      SANDBOX_PIDS_LIMIT: "128",
    };
  }

  /** The arguments of `docker compose` for this stack, followed by `rest`. */
  args(rest: string[], options: RunOptions = {}): string[] {
    return [
      "compose",
      "--env-file",
      options.envFile ?? join(this.root, "e2e.env"),
      "-p",
      this.project,
      "-f",
      join(repoRoot, "docker-compose.yml"),
      ...(options.shippedOnly ? [] : ["-f", OVERRIDE, ...this.extraFiles.flatMap((file) => ["-f", file])]),
      ...rest,
    ];
  }

  /** Runs `docker compose ...` to completion, killed after `timeoutMs`. */
  compose(rest: string[], timeoutMs: number, options: RunOptions = {}): Promise<CommandResult> {
    return new Promise((done) => {
      execFile(
        "docker",
        this.args(rest, options),
        {
          cwd: repoRoot,
          env: { ...this.env(), ...options.env },
          timeout: timeoutMs,
          maxBuffer: 64 * 1024 * 1024,
        },
        (error, stdout, stderr) => {
          const code = error ? (typeof error.code === "number" ? error.code : null) : 0;
          done({ code, stdout, stderr });
        },
      );
    });
  }

  /** `docker compose run --rm -T agent ...args` as a live process (stdin piped). */
  spawnAgent(args: string[], options: RunOptions = {}): AgentProcess {
    const child = spawn("docker", this.args(["run", "--rm", "-T", "agent", ...args], options), {
      cwd: repoRoot,
      env: { ...this.env(), ...options.env },
      stdio: ["pipe", "pipe", "pipe"],
    });
    return new AgentProcess(child);
  }

  /** Runs the agent in print mode to completion. */
  async print(task: string, timeoutMs = 180_000, options: RunOptions = {}): Promise<CommandResult> {
    const agent = this.spawnAgent(["-p", task], options);
    agent.child.stdin.end();
    return agent.exit(timeoutMs);
  }

  /** Sandbox containers (running or not) that mount this stack's workspace. */
  async sandboxes(): Promise<Dockerode.ContainerInfo[]> {
    const list = await docker.listContainers({
      all: true,
      filters: JSON.stringify({ label: ["ts-coding-agent.sandbox=1"] }),
    });
    return list.filter((info) => info.Mounts.some((mount) => mount.Source === this.workspace));
  }

  /** Removes everything the stack created: containers (sandboxes too), networks, volumes, temp files. */
  async down(): Promise<void> {
    await this.compose(["down", "-v", "--remove-orphans", "-t", "5"], 120_000);
    const leftovers = await docker.listContainers({
      all: true,
      filters: JSON.stringify({ label: [`com.docker.compose.project=${this.project}`] }),
    });
    for (const info of [...leftovers, ...(await this.sandboxes())]) {
      await docker
        .getContainer(info.Id)
        .remove({ force: true })
        .catch(() => undefined);
    }
    // The images tagged for this run (their layers stay cached for the next one).
    const images = await docker.listImages({ filters: JSON.stringify({ reference: [`*:${this.project}`] }) });
    for (const image of images) {
      for (const tag of image.RepoTags ?? []) {
        if (tag.endsWith(`:${this.project}`))
          await docker
            .getImage(tag)
            .remove()
            .catch(() => undefined);
      }
    }
    await rm(this.root, { recursive: true, force: true });
  }
}

/** A running `compose run agent`: its output so far, waits on it, and its exit. */
export class AgentProcess {
  stdout = "";
  stderr = "";
  private readonly exited: Promise<number | null>;

  constructor(readonly child: ChildProcessWithoutNullStreams) {
    child.stdout.setEncoding("utf8");
    child.stderr.setEncoding("utf8");
    child.stdout.on("data", (text: string) => {
      this.stdout += text;
    });
    child.stderr.on("data", (text: string) => {
      this.stderr += text;
    });
    this.exited = new Promise((done) => child.once("close", (code) => done(code)));
  }

  /** Writes one line to the REPL. */
  send(line: string): void {
    this.child.stdin.write(`${line}\n`);
  }

  /** Resolves once stdout (or stderr) matches, or rejects after `timeoutMs` with what was seen. */
  async waitFor(pattern: RegExp, timeoutMs = 120_000, stream: "stdout" | "stderr" = "stdout"): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!pattern.test(this[stream])) {
      if (Date.now() > deadline || this.child.exitCode !== null) {
        throw new Error(
          `No ${pattern} in the agent's output:\n${this.stdout}\n--- stderr ---\n${this.stderr}`,
        );
      }
      await new Promise((wake) => setTimeout(wake, 200));
    }
  }

  /** Waits for the process to end (killing it after `timeoutMs`). */
  async exit(timeoutMs = 180_000): Promise<CommandResult> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<null>((done) => {
      timer = setTimeout(() => {
        this.child.kill("SIGKILL");
        done(null);
      }, timeoutMs);
    });
    const code = await Promise.race([this.exited, timeout]);
    clearTimeout(timer);
    return { code, stdout: this.stdout, stderr: this.stderr };
  }
}
