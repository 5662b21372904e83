// python-mcp shared by two agents (two MCP sessions) against main.ts as a real process: model code sees no
// MCP_AUTH_TOKEN, one session cannot name, list, run, interrupt, stop or read another's kernel, a session's
// kernels go with it, and started as root the server runs kernels as the workspace's owner.
import { chownSync, mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import type { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { callTool, connectClient, textOf } from "../support/mcp-client.js";
import { type SpawnedServer, spawnServer } from "../support/spawn-server.js";

const TOKEN = "mcp-token-never-in-a-kernel-0123456789";
const OWNER = 4242;
const asRoot = process.getuid?.() === 0;

let server: SpawnedServer;
let workdir: string;
let a: Client;
let b: Client;

beforeAll(async () => {
  workdir = mkdtempSync(join(tmpdir(), "python-iso-"));
  if (asRoot) chownSync(workdir, OWNER, OWNER);
  server = await spawnServer("mcp-servers/python/src/main.ts", {
    MCP_AUTH_TOKEN: TOKEN,
    PYTHON_WORKDIR: workdir,
    PYTHON_MAX_KERNELS: "6",
  });
  a = await connectClient(`${server.baseUrl}/mcp`, TOKEN);
  b = await connectClient(`${server.baseUrl}/mcp`, TOKEN);
}, 60_000);

afterAll(async () => {
  await a?.close();
  await b?.close();
  server?.child.kill("SIGTERM");
  await server?.exited;
  rmSync(workdir, { recursive: true, force: true });
});

const exec = async (client: Client, code: string, kernel_id?: string) => {
  const result = await callTool(client, "python_exec", { code, ...(kernel_id ? { kernel_id } : {}) });
  return { text: textOf(result), isError: result.isError === true };
};

describe("python-mcp kernels", () => {
  it("see none of the server's environment: no MCP_AUTH_TOKEN", async () => {
    const names = await exec(a, "import os\nsorted(os.environ)");
    expect(names.text).not.toContain("MCP_AUTH_TOKEN");
    expect((await exec(a, "os.environ.get('MCP_AUTH_TOKEN')")).text).toBe("(no output)");
    expect((await exec(a, `'${TOKEN}' in repr(dict(os.environ))`)).text).toBe("[result]\nFalse");
  });

  it("belong to one session: another cannot name, list, run, interrupt, stop or read them", async () => {
    await exec(a, "secret = 'alpha'");
    expect((await exec(b, "secret")).text).toMatch(/NameError/);
    const created = await callTool(a, "python_reset", {});
    const id = (created.structuredContent as { kernel_id: string }).kernel_id;
    await exec(a, "inner = 42", id);

    const bStatus = await callTool(b, "python_status", {});
    expect(JSON.stringify(bStatus.structuredContent)).not.toContain(id);
    for (const [tool, args] of [
      ["python_exec", { code: "inner", kernel_id: id }],
      ["python_status", { kernel_id: id }],
      ["python_interrupt", { kernel_id: id }],
      ["python_shutdown", { kernel_id: id }],
      ["python_reset", { kernel_id: id }],
    ] as const) {
      const result = await callTool(b, tool, args);
      expect({ tool, isError: result.isError }).toEqual({ tool, isError: true });
      expect(textOf(result)).toContain(`No kernel '${id}'`);
    }
    expect((await exec(a, "inner", id)).text).toBe("[result]\n42");

    // Model code in b's kernel looks for a's kernels' memory and environment through /proc.
    const probe = [
      "import os",
      "seen = []",
      "for pid in os.listdir('/proc'):",
      "    if not pid.isdigit() or int(pid) == os.getpid(): continue",
      "    try: cmd = open(f'/proc/{pid}/cmdline', 'rb').read()",
      "    except OSError: continue",
      "    if b'kernel-driver' not in cmd: continue",
      "    for what in ('environ', 'mem'):",
      "        try:",
      "            open(f'/proc/{pid}/{what}', 'rb').read(1)",
      "            seen.append(what)",
      "        except OSError as error: seen.append(type(error).__name__)",
      "seen",
    ].join("\n");
    const seen = (await exec(b, probe)).text;
    expect(seen).toMatch(/PermissionError/);
    expect(seen).not.toMatch(/'environ'|'mem'/);
  });

  it("go when their session ends", async () => {
    const c = await connectClient(`${server.baseUrl}/mcp`, TOKEN);
    const pid = Number(/"pid": (\d+)/.exec(textOf(await callTool(c, "python_reset", {})))?.[1]);
    expect(pid).toBeGreaterThan(0);
    await (c.transport as StreamableHTTPClientTransport).terminateSession();
    await c.close();
    await expect.poll(() => processExists(pid), { timeout: 10_000 }).toBe(false);
  });

  it.runIf(asRoot)("run as the workspace's owner when the server starts as root", async () => {
    expect((await exec(a, "import os\n(os.getuid(), os.getgid())")).text).toBe(
      `[result]\n(${OWNER}, ${OWNER})`,
    );
    await exec(a, "open('written.txt', 'w').write('x')");
    expect(statSync(join(workdir, "written.txt")).uid).toBe(OWNER);
  });
});

function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
