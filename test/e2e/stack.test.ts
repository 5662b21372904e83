// End to end through Docker Compose: the real images, the MCP server containers and a scripted LLM service;
// the agent container in print mode and as a piped REPL, with every tool running in a hardened sandbox.
import { existsSync, readFileSync } from "node:fs";
import { chmod, chown, cp, readFile, rename, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { ComposeStack, docker, repoRoot, type ScenarioStep } from "./compose-stack.js";
import { type DocsExample, writeDocsExample } from "./docs-example.js";

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
  "two-steps": [shell("echo one"), shell("echo two"), answer],
  toolbox: [
    {
      toolCalls: [
        {
          name: "write_file",
          arguments: { path: "test_toolbox.py", content: "def test_sum():\n    assert sum([1, 2]) == 3\n" },
        },
      ],
    },
    shell("python --version && python -m pytest -q -p no:cacheprovider test_toolbox.py && git --version"),
    answer,
  ],
  "write-note": [
    { toolCalls: [{ name: "write_file", arguments: { path: "note.txt", content: "hi" } }] },
    answer,
  ],
  "bugfix-patch": [
    {
      toolCalls: [
        {
          name: "edit_file",
          arguments: {
            path: "cart.py",
            old_text: "subtotal * discount if discount else subtotal",
            new_text: "subtotal * (1 - discount)",
          },
        },
      ],
    },
  ],
  "everything-echo": [
    { toolCalls: [{ name: "everything__echo", arguments: { message: "hello from e2e" } }] },
    { text: "ECHOED {{tools}}" },
  ],
};

let stack: ComposeStack;
let docsExample: DocsExample;

beforeAll(async () => {
  try {
    await docker.ping();
  } catch (error) {
    throw new Error(`The end-to-end test needs a running Docker engine: ${String(error)}`);
  }
  stack = await ComposeStack.create(scenarios, async (root) => {
    docsExample = await writeDocsExample(root);
    return [docsExample.overrideFile];
  });
  const build = await stack.compose(["build"], 900_000);
  if (build.code !== 0) throw new Error(`docker compose build failed:\n${build.stderr.slice(-4000)}`);
  const up = await stack.compose(
    ["up", "-d", "datetime-mcp", "python-mcp", "scripted-llm", "everything-mcp"],
    180_000,
  );
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
    // Killed at its timeout, or by the kernel first when the bomb fills the memory limit: an error result either way.
    expect(fork).toMatch(/Timed out after 10 s|killed by signal SIGKILL/);
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

describe("settings, as a user sets them in .env", () => {
  it("passes every setting of .env.example to the agent container (the shipped compose file alone)", async () => {
    const example = readFileSync(join(repoRoot, ".env.example"), "utf8");
    const composeOnlyAt = example.indexOf("Compose only");
    const names = [...example.matchAll(/^([A-Z][A-Z0-9_]*)=/gm)]
      .filter((m) => m.index < composeOnlyAt)
      .map((m) => m[1] ?? "");
    // A distinct value for each, so a setting that does not arrive cannot pass for its default.
    const values = Object.fromEntries(names.map((name) => [name, `e2e-${name.toLowerCase()}`]));
    values.SANDBOX_IMAGE = stack.image;
    const envFile = join(stack.root, "settings.env");
    await writeFile(
      envFile,
      Object.entries(values)
        .map(([k, v]) => `${k}=${v}\n`)
        .join(""),
    );
    const result = await stack.compose(
      ["run", "--rm", "-T", "--no-deps", "--entrypoint", "sh", "agent", "-c", "env; echo groups=$(id -G)"],
      120_000,
      { envFile, shippedOnly: true },
    );
    expect(result.code, result.stderr).toBe(0);
    const received = Object.fromEntries(
      result.stdout
        .split("\n")
        .map((line) => [line.slice(0, line.indexOf("=")), line.slice(line.indexOf("=") + 1)]),
    );
    // The folders are the container's mounts and the sandbox is docker: fixed by docker-compose.yml.
    const compose = parse(readFileSync(join(repoRoot, "docker-compose.yml"), "utf8")) as {
      services: { agent: { environment: Record<string, string> } };
    };
    const fixed = Object.fromEntries(
      Object.entries(compose.services.agent.environment).filter(([, value]) => !String(value).includes("${")),
    );
    expect(Object.keys(fixed).sort()).toEqual([
      "AGENT_IN_CONTAINER",
      "DATA_DIR",
      "DYNAMIC_TOOLS_DIR",
      "MCP_CONFIG",
      "PLAYBOOKS_DIR",
      "SANDBOX",
      "SKILLS_DIR",
      "WORKSPACE_DIR",
    ]);
    // Variables the harness sets in Compose's own environment win over the file, as a shell's would.
    const shell: Record<string, string> = stack.env();
    const mismatched = names.filter(
      (name) => received[name] !== (fixed[name] ?? shell[name] ?? values[name]),
    );
    expect(mismatched.map((name) => `${name}=${received[name]}`)).toEqual([]);
    expect(received.groups?.split(" ")).toContain(stack.dockerGid);
  });

  it("applies a setting from .env: MAX_STEPS=1 stops a two-step task with exit 3", async () => {
    const envFile = join(stack.root, "steps.env");
    await writeFile(envFile, "MAX_STEPS=1\n");
    const result = await stack.print("[[e2e:two-steps]] two commands", 180_000, { envFile });
    expect(result.code, result.stderr).toBe(3);
    expect(result.stderr).toContain("Stopped after 1 steps");
  });
});

describe("misconfiguration, said before it costs a turn", () => {
  /** The one line the agent gives for a wrong DOCKER_GID, naming the socket's real group. */
  const fix = () =>
    new RegExp(
      `permission denied on /var/run/docker\\.sock while [^.]+\\. The socket belongs to group ${stack.dockerGid} and the agent runs in groups [\\d, ]+: set DOCKER_GID=${stack.dockerGid} in \\.env and start the agent again \\(docker compose run --rm agent\\)\\.$`,
      "m",
    );

  it("a wrong DOCKER_GID (the example's 0) stops print mode with exit 1 and one line naming the right one", async () => {
    const result = await stack.print("[[e2e:write-note]] write a note", 180_000, {
      env: { DOCKER_GID: "0" },
    });
    expect(result.code, result.stderr).toBe(1);
    expect(result.stdout).toBe("");
    const said = result.stderr.split("\n").filter((text) => text.includes("DOCKER_GID"));
    expect(said).toHaveLength(1);
    expect(said[0]).toMatch(/^The tools are unavailable: Docker sandbox: /);
    expect(said[0]).toMatch(fix());
  });

  it("a wrong DOCKER_GID is said by the REPL before the first prompt", async () => {
    const repl = stack.spawnAgent([], { env: { DOCKER_GID: "0" } });
    try {
      await repl.waitFor(/permission denied on \/var\/run\/docker\.sock/, 120_000, "stderr");
      expect(repl.stderr).toMatch(fix());
      expect(repl.stderr).toMatch(
        /^Docker sandbox: permission denied on \/var\/run\/docker\.sock while connecting to Docker\./m,
      );
      repl.send("/bye");
      expect((await repl.exit(60_000)).code).toBe(0);
    } finally {
      repl.child.kill("SIGKILL");
    }
  });

  it("a workspace owned by root: the REPL says whose it is and the fix, and so does a refused write", async () => {
    await chown(stack.workspace, 0, 0);
    await chmod(stack.workspace, 0o755);
    try {
      const repl = stack.spawnAgent([]);
      try {
        await repl.waitFor(/belongs to root/, 120_000, "stderr");
        expect(repl.stderr).toContain(
          `The workspace /workspace (${stack.workspace} on the host) belongs to root (uid 0) (mode 755) and the tools run as uid 1000: every write will fail. Fix: sudo chown -R "$(id -u):$(id -g)" ${stack.workspace} on the host, or use a workspace you own.`,
        );
        repl.send("/bye");
        await repl.exit(60_000);
      } finally {
        repl.child.kill("SIGKILL");
      }
      const result = await stack.print("[[e2e:write-note]] write a note");
      expect(result.code, result.stderr).toBe(0);
      expect(result.stdout).toContain(
        "write_file failed: permission denied on note.txt. The workspace folder belongs to root (uid 0) (mode 755), and the tools run as uid 1000. Retrying will not help",
      );
    } finally {
      await chown(stack.workspace, 1000, 1000);
    }
  });
});

describe("the sandbox's toolbox and bug_fix in it", () => {
  it("has python (python3), pytest and git", async () => {
    const result = await stack.print("[[e2e:toolbox]] check the tools");
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/Python 3\.\d+\.\d+\n/);
    expect(result.stdout).toContain("1 passed");
    expect(result.stdout).toMatch(/git version \d/);
  });

  it("keeps a right bug_fix patch, proved by pytest in the sandbox", async () => {
    await cp(join(repoRoot, "test", "fixtures", "buggy-projects", "pytest-cart"), stack.workspace, {
      recursive: true,
    });
    for (const file of ["cart.py", "test_cart.py"]) await chown(join(stack.workspace, file), 1000, 1000);
    const repl = stack.spawnAgent([]);
    try {
      repl.send('/skill bug_fix error:"[[e2e:bugfix-patch]] assert 15.0 == 135.0" file:cart.py');
      await repl.waitFor(/Fixed: 1 test that failed now pass/, 300_000);
      expect(repl.stdout).toContain("(test_cart.py::test_total_with_discount), and no test regressed.");
      expect(repl.stdout).toMatch(
        /before: \d+ passed, 1 failed; after: \d+ passed, 0 failed \(python3 -m pytest -q -rA\)/,
      );
      repl.send("/bye");
      expect((await repl.exit(60_000)).code).toBe(0);
    } finally {
      repl.child.kill("SIGKILL");
    }
    expect(await readFile(join(stack.workspace, "cart.py"), "utf8")).toContain("subtotal * (1 - discount)");
  });
});

describe("adding an MCP server as docs/adding-an-mcp-server.md shows", () => {
  it("runs the doc's pinned, hardened server, and /reload sees mcp.json replaced by an editor", async () => {
    const [info] = await docker.listContainers({
      filters: JSON.stringify({
        label: [`com.docker.compose.project=${stack.project}`, "com.docker.compose.service=everything-mcp"],
      }),
    });
    const inspected = await docker.getContainer(info?.Id ?? "").inspect();
    expect(inspected.Config.User).toBe("node");
    expect(inspected.HostConfig.ReadonlyRootfs).toBe(true);
    expect(inspected.HostConfig.CapDrop).toEqual(["ALL"]);
    expect(inspected.State.Health?.Status).toBe("healthy");
    expect(inspected.Config.Cmd).toEqual(["mcp-server-everything", "streamableHttp"]);

    const repl = stack.spawnAgent([]);
    try {
      repl.send("/tools");
      await repl.waitFor(/python \[http\] up/);
      expect(repl.stdout).not.toContain("everything__echo");
      // An editor's save: a new file renamed over the old one (a new inode, which a single-file mount misses).
      const saved = join(stack.config, "mcp.json.saving");
      await writeFile(saved, docsExample.mcpJson);
      await chmod(saved, 0o644);
      await rename(saved, join(stack.config, "mcp.json"));
      repl.send("/reload");
      await repl.waitFor(/everything: up, \d+ tools/);
      expect(repl.stdout).toMatch(/datetime: up, 3 tools/);
      expect(repl.stdout).toMatch(/python: up, \d+ tools/);
      repl.send("[[e2e:everything-echo]] echo something");
      await repl.waitFor(/ECHOED[\s\S]*hello from e2e/);
      repl.send("/bye");
      expect((await repl.exit(60_000)).code).toBe(0);
    } finally {
      repl.child.kill("SIGKILL");
    }
  });
});

async function datetimeSessions(): Promise<number> {
  const logs = await stack.compose(["logs", "--no-color", "datetime-mcp"], 60_000);
  return (logs.stdout.match(/session opened/g) ?? []).length;
}
