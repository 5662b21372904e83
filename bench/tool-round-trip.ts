// Benchmark 2, tool round trip through the toolhost: read_file of 1 KB and shell "true" via the real ToolHub
// and local launcher, beside a plain child_process.spawn and a docker exec of the same command.
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ToolHub } from "../agent/src/hub/tool-hub.js";
import type { ToolResult } from "../agent/src/loop/tools.js";
import { LocalLauncher } from "../agent/src/sandbox/local.js";
import { builtToolhostMain, requireBuild } from "./support/agent-process.js";
import { check, timeEach } from "./support/bounded.js";
import { type DockerBox, dockerReady, exitsZero, startDockerBox } from "./support/docker-box.js";
import { dockerHub, dockerSandboxReady, SANDBOX_IMAGE } from "./support/docker-sandbox.js";
import type { Benchmark, BenchReport, TargetCheck } from "./support/report.js";
import { ms, ratio, type Spread, spread } from "./support/stats.js";

const CALLS = 300;
const DOCKER_EXECS = 40;
/** The plain baseline: the command itself. */
const SHELL_TRUE = ["bash", "-c", "true"];
/** The command line the shell tool spawns for "true" (mcp-servers/toolhost/src/tools/shell.ts): a login shell. */
const TOOL_SHELL_TRUE = ["bash", "-c", 'exec 2>&1; exec bash -lc "$1"', "bash", "true"];

/**
 * A ToolHub over the built toolhost in a local process, connected and listing its tools. The toolhost gets
 * `home` as HOME (the launcher passes the agent's HOME on), so a developer's ~/.bashrc does not time in.
 */
export async function localHub(workspace: string, home: string): Promise<ToolHub> {
  const saved = process.env.HOME;
  process.env.HOME = home;
  const launcher = new LocalLauncher({
    workspace,
    command: { command: process.execPath, args: [builtToolhostMain, "--workspace", workspace] },
  });
  const hub = new ToolHub({ launcher, servers: [] });
  const tools = await hub.listTools().finally(() => {
    process.env.HOME = saved;
  });
  check(
    tools.some((tool) => tool.name === "read_file"),
    "the toolhost listed no read_file tool",
  );
  return hub;
}

function expectOk(result: ToolResult, contains: string, what: string): void {
  check(!result.isError && result.text.includes(contains), `${what} failed: ${result.text.slice(0, 300)}`);
}

export const toolRoundTrip: Benchmark = {
  name: "tools",
  title: "Tool round trip through the toolhost vs spawn vs docker exec",
  timeLimitMs: 300_000,
  async run(): Promise<BenchReport> {
    requireBuild();
    const workspace = mkdtempSync(join(tmpdir(), "bench-tools-"));
    const home = mkdtempSync(join(tmpdir(), "bench-home-"));
    const kilobyte = `${"k".repeat(63)}\n`.repeat(16);
    writeFileSync(join(workspace, "one-kb.txt"), kilobyte);
    // The Docker sandbox runs as an unprivileged user when the workspace belongs to root: let it in.
    chmodSync(workspace, 0o777);
    const signal = new AbortController().signal;
    const hub = await localHub(workspace, home);
    let box: DockerBox | undefined;
    let docker: ToolHub | undefined;
    try {
      const read = await timeEach(CALLS, 30_000, async () =>
        expectOk(await hub.callTool("read_file", { path: "one-kb.txt" }, { signal }), "kkkk", "read_file"),
      );
      const shell = await timeEach(CALLS, 60_000, async () =>
        expectOk(await hub.callTool("shell", { command: "true" }, { signal }), "0", "shell true"),
      );
      const [command = "bash", ...args] = SHELL_TRUE;
      const spawned = await timeEach(CALLS, 30_000, () => exitsZero(command, args));
      const [, ...toolArgs] = TOOL_SHELL_TRUE;
      const cleanEnv = { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: home, LANG: "C.UTF-8" };
      const toolLine = await timeEach(CALLS, 60_000, () => exitsZero("bash", toolArgs, cleanEnv));
      const rows: Array<[string, Spread]> = [
        ["read_file 1 KB, toolhost local", spread(read)],
        ["shell true, toolhost local", spread(shell)],
        ["child_process.spawn bash -c true", spread(spawned)],
        ["child_process.spawn of the shell tool's command line (bash -lc true)", spread(toolLine)],
      ];
      const notes: string[] = [];
      let dockerExec: Spread | undefined;
      if (await dockerReady()) {
        box = await startDockerBox();
        const execs = await timeEach(DOCKER_EXECS, 60_000, () => (box as DockerBox).exec(SHELL_TRUE), 2);
        dockerExec = spread(execs);
        rows.push(["docker exec bash -c true (naive design)", dockerExec]);
      } else {
        notes.push("Docker or the node:24-bookworm-slim image is unavailable: docker exec not measured.");
      }
      const shellP50 = spread(shell).p50;
      const spawnP50 = spread(spawned).p50;
      let dockerShell: Spread | undefined;
      if (await dockerSandboxReady()) {
        docker = await dockerHub(workspace);
        const hub = docker;
        const dockerRead = await timeEach(CALLS, 30_000, async () =>
          expectOk(await hub.callTool("read_file", { path: "one-kb.txt" }, { signal }), "kkkk", "read_file"),
        );
        dockerShell = spread(
          await timeEach(CALLS, 60_000, async () =>
            expectOk(await hub.callTool("shell", { command: "true" }, { signal }), "0", "shell true"),
          ),
        );
        rows.splice(2, 0, ["read_file 1 KB, toolhost Docker", spread(dockerRead)]);
        rows.splice(3, 0, ["shell true, toolhost Docker", dockerShell]);
      } else {
        notes.push(`The agent image ${SANDBOX_IMAGE} is not built: the Docker sandbox was not measured.`);
      }
      const vsSpawn = dockerShell ? dockerShell.p50 / spawnP50 : Number.NaN;
      const vsExec = dockerShell && dockerExec ? dockerExec.p50 / dockerShell.p50 : Number.NaN;
      const targets: TargetCheck[] = [
        {
          label: "shell true round trip, Docker sandbox, vs spawn (p50)",
          measured: ratio(vsSpawn),
          target: "≤ 2× spawn",
          verdict: Number.isFinite(vsSpawn) ? (vsSpawn <= 2 ? "met" : "missed") : "not measured",
        },
        {
          label: "shell true round trip, Docker sandbox, faster than docker exec by (p50)",
          measured: ratio(vsExec),
          target: "≥ 3×",
          verdict: Number.isFinite(vsExec) ? (vsExec >= 3 ? "met" : "missed") : "not measured",
        },
      ];
      notes.push(
        `Local toolhost shell true / spawn bash -c true (p50): ${ratio(shellP50 / spawnP50)}; / spawn of ` +
          `the tool's own command line: ${ratio(shellP50 / spread(toolLine).p50)}` +
          (dockerExec
            ? `; docker exec / local toolhost shell true (p50): ${ratio(dockerExec.p50 / shellP50)}.`
            : "."),
      );
      return {
        tables: [
          {
            title: `Tool round trip (ms; ${CALLS} calls each, docker exec ${DOCKER_EXECS})`,
            columns: ["path", "p50", "p99", "n"],
            rows: rows.map(([name, s]) => [name, ms(s.p50), ms(s.p99), String(s.count)]),
          },
        ],
        targets,
        notes,
      };
    } finally {
      await hub.close();
      await docker?.close();
      await box?.remove();
      rmSync(workspace, { recursive: true, force: true });
      rmSync(home, { recursive: true, force: true });
    }
  },
};
