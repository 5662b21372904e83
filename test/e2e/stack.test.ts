// End to end through Docker Compose: the real images, the MCP server containers and a scripted LLM service;
// the agent container in print mode and as a piped REPL, with every tool running in a hardened sandbox.
import { existsSync } from "node:fs";
import { readFile, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ComposeStack, docker, type ScenarioStep } from "./compose-stack.js";

const shell = (command: string, timeout_seconds?: number): ScenarioStep => ({
  toolCalls: [{ name: "shell", arguments: timeout_seconds ? { command, timeout_seconds } : { command } }],
});
const answer: ScenarioStep = { text: "RESULTS\n{{tools}}\nEND" };

const scenarios: Record<string, ScenarioStep[]> = {
  "write-and-hold": [
    {
      toolCalls: [
        { name: "write_file", arguments: { path: "hello-e2e.txt", content: "written by the model" } },
      ],
    },
    // Holds the sandbox until the test has inspected it: it waits for a file the test creates.
    shell(
      "touch .e2e-started; for i in $(seq 1 900); do [ -e .e2e-release ] && break; sleep 0.2; done; echo SHELL-RAN",
    ),
    answer,
  ],
  datetime: [{ toolCalls: [{ name: "datetime__get_current_datetime", arguments: {} }] }, answer],
  python: [
    { toolCalls: [{ name: "python__python_exec", arguments: { code: "counter = 41" } }] },
    { toolCalls: [{ name: "python__python_exec", arguments: { code: "print('counter', counter + 1)" } }] },
    answer,
  ],
  "python-boundary": [
    {
      toolCalls: [
        {
          name: "python__python_exec",
          arguments: {
            code: [
              "import os, socket",
              "def reach(host, port):",
              "    try:",
              "        socket.create_connection((host, port), timeout=5).close()",
              "        return 'REACHED'",
              "    except OSError as error:",
              "        return type(error).__name__",
              "print('PEER', reach('datetime-mcp', 50051))",
              "print('INTERNET', reach('1.1.1.1', 80))",
              "print('UID', os.getuid())",
              "print('TOKEN', 'MCP_AUTH_TOKEN' in os.environ)",
              "open('/workspace/from-python.txt', 'w').write('kernel')",
            ].join("\n"),
          },
        },
      ],
    },
    answer,
  ],
  "no-network": [
    shell(
      "curl -sS -m 5 https://registry.npmjs.org/ >/dev/null 2>&1 && echo CURL-OK || echo CURL-FAILED; " +
        "python3 -m pip download --retries 0 --timeout 5 --no-deps -d /tmp/dl six >/dev/null 2>&1 && echo PIP-OK || echo PIP-FAILED",
    ),
    answer,
  ],
  bombs: [
    shell("bomb(){ bomb | bomb & }; bomb; sleep 120", 10),
    shell("python3 -c 'x = bytearray(2 * 1024 ** 3); print(len(x))'"),
    shell("echo STILL-RESPONSIVE"),
    answer,
  ],
  "repl-first": [
    shell("echo kept-in-workspace > kept.txt; echo FIRST-CALL"),
    { text: "FIRST-DONE {{tools}}" },
  ],
  "repl-second": [shell("cat kept.txt; echo SECOND-CALL"), { text: "SECOND-DONE {{tools}}" }],
};

let stack: ComposeStack;

beforeAll(async () => {
  try {
    await docker.ping();
  } catch (error) {
    throw new Error(`The end-to-end test needs a running Docker engine: ${String(error)}`);
  }
  stack = await ComposeStack.create(scenarios);
  const build = await stack.compose(["build"], 900_000);
  if (build.code !== 0) throw new Error(`docker compose build failed:\n${build.stderr.slice(-4000)}`);
  const up = await stack.compose(["up", "-d", "datetime-mcp", "python-mcp", "scripted-llm"], 180_000);
  if (up.code !== 0) throw new Error(`docker compose up failed:\n${up.stderr.slice(-4000)}`);
}, 1_200_000);

afterAll(async () => {
  await stack?.down();
  if (stack) {
    expect(await stack.sandboxes()).toEqual([]);
    const networks = await docker.listNetworks({
      filters: JSON.stringify({ label: [`com.docker.compose.project=${stack.project}`] }),
    });
    expect(networks).toEqual([]);
  }
}, 300_000);

describe("the agent container in print mode", () => {
  it("writes a file the host sees, through a hardened sandbox container that is gone afterwards", async () => {
    const run = stack.spawnAgent(["-p", "[[e2e:write-and-hold]] write a file and run a command"]);
    run.child.stdin.end();
    const started = join(stack.workspace, ".e2e-started");
    const deadline = Date.now() + 180_000;
    while (!existsSync(started)) {
      if (Date.now() > deadline || run.child.exitCode !== null) {
        throw new Error(`The sandbox never ran the command:\n${run.stdout}\n${run.stderr}`);
      }
      await new Promise((wake) => setTimeout(wake, 250));
    }
    const [sandbox] = await stack.sandboxes();
    const info = await docker.getContainer(sandbox?.Id ?? "").inspect();
    await writeFile(join(stack.workspace, ".e2e-release"), "");
    const host = info.HostConfig;
    expect(info.Config.User).toBe("1000:1000");
    expect(host.CapDrop).toEqual(["ALL"]);
    expect(host.SecurityOpt).toEqual(["no-new-privileges"]);
    expect(host.ReadonlyRootfs).toBe(true);
    expect(Object.keys(host.Tmpfs ?? {})).toContain("/tmp");
    expect(host.PidsLimit).toBe(128);
    expect(host.Memory).toBe(512 * 1024 * 1024);
    expect(host.NanoCpus).toBeGreaterThan(0);
    expect(host.NetworkMode).toBe("none");
    expect(host.Init).toBe(true);
    expect(info.Config.Labels?.["ts-coding-agent.session"]).toMatch(/\S/);
    // Only the workspace and dynamic tools of the host: no socket, no keystore, no /data.
    expect(info.Mounts.map((mount) => mount.Destination).sort()).toEqual(["/dynamic-tools", "/workspace"]);
    expect(JSON.stringify(info.Config.Env)).not.toContain("sk-e2e-not-a-real-key");

    const result = await run.exit();
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain("SHELL-RAN");
    expect(await readFile(join(stack.workspace, "hello-e2e.txt"), "utf8")).toBe("written by the model");
    await expect(docker.getContainer(info.Id).inspect()).rejects.toMatchObject({ statusCode: 404 });
  });

  it("gets datetime__get_current_datetime answered by the datetime container", async () => {
    const sessionsBefore = await datetimeSessions();
    const result = await stack.print("[[e2e:datetime]] what time is it?");
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/RESULTS\n\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}/);
    expect(await datetimeSessions()).toBeGreaterThan(sessionsBefore);
  });

  it("keeps python__python_exec state across two calls", async () => {
    const result = await stack.print("[[e2e:python]] remember a number");
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain("counter 42");
  });

  it("runs python__python_exec without network, peers or token, as the workspace's owner", async () => {
    const result = await stack.print("[[e2e:python-boundary]] try the network from python");
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/PEER (gaierror|TimeoutError|OSError|ConnectionRefusedError)/);
    expect(result.stdout).not.toContain("REACHED");
    expect(result.stdout).toContain("UID 1000");
    expect(result.stdout).toContain("TOKEN False");
    expect((await stat(join(stack.workspace, "from-python.txt"))).uid).toBe(1000);
  });

  it("cannot reach the network from the sandbox: curl and pip download fail", async () => {
    const result = await stack.print("[[e2e:no-network]] try the network");
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain("CURL-FAILED");
    expect(result.stdout).toContain("PIP-FAILED");
  });

  it("turns a fork bomb and a memory bomb into error results and stays responsive", async () => {
    const result = await stack.print("[[e2e:bombs]] misbehave", 300_000);
    expect(result.code, result.stderr).toBe(0);
    const [fork, memory, after] = result.stdout.split("\n---\n");
    expect(fork).toContain("Timed out after 10 s");
    expect(memory).toMatch(/killed by signal SIGKILL|MemoryError|exit code 137/);
    expect(after).toContain("STILL-RESPONSIVE");
  });
});

describe("the agent container as a piped REPL", () => {
  it("survives its sandbox container being killed between two tool calls", async () => {
    const repl = stack.spawnAgent([]);
    try {
      repl.send("[[e2e:repl-first]] first");
      await repl.waitFor(/FIRST-DONE[\s\S]*FIRST-CALL/);
      const [sandbox] = await stack.sandboxes();
      await docker.getContainer(sandbox?.Id ?? "").kill();
      repl.send("[[e2e:repl-second]] second");
      await repl.waitFor(/SECOND-DONE[\s\S]*SECOND-CALL/);
      expect(repl.stdout).toMatch(/The sandbox was restarted because the sandbox container .* was killed/);
      expect(repl.stdout).toContain("kept-in-workspace\nSECOND-CALL");
      repl.send("/bye");
      const result = await repl.exit(120_000);
      expect(result.code, result.stderr).toBe(0);
    } finally {
      repl.child.kill("SIGKILL");
    }
    await expect.poll(() => stack.sandboxes(), { timeout: 30_000 }).toEqual([]);
  });
});

async function datetimeSessions(): Promise<number> {
  const logs = await stack.compose(["logs", "--no-color", "datetime-mcp"], 60_000);
  return (logs.stdout.match(/session opened/g) ?? []).length;
}
