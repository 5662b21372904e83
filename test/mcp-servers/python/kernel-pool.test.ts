// The Python kernel layer with real python3 processes: persistent state, REPL values, captured output,
// timeouts and interrupts that keep state, a kernel that ignores interrupts, caps, reset, reaping, no orphans.

import { afterEach, describe, expect, it } from "vitest";
import { KernelError } from "../../../mcp-servers/python/src/kernel-error.js";
import { KernelPool } from "../../../mcp-servers/python/src/kernel-pool.js";
import { processExists } from "./process-state.js";

const pools: KernelPool[] = [];
afterEach(async () => {
  await Promise.all(pools.splice(0).map((p) => p.shutdownAll()));
});

function newPool(options: ConstructorParameters<typeof KernelPool>[0] = {}): KernelPool {
  const pool = new KernelPool({ interruptGraceMs: 3000, ...options });
  pools.push(pool);
  return pool;
}

const run = async (pool: KernelPool, code: string, timeoutMs = 20_000, id?: string) =>
  (await pool.acquire(id)).kernel.exec(code, { timeoutMs });

async function expectKernelError(promise: Promise<unknown>, kind: string): Promise<KernelError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(KernelError.isInstance(error)).toBe(true);
  expect((error as KernelError).kind).toBe(kind);
  return error as KernelError;
}

describe("KernelPool and PythonKernel", () => {
  it("keeps variables between calls and returns a trailing expression's repr like a REPL", async () => {
    const pool = newPool();
    expect(await run(pool, "x = 41\ndef inc(v):\n    return v + 1")).toMatchObject({
      status: "ok",
      result: null,
    });
    expect(await run(pool, "inc(x)")).toMatchObject({ status: "ok", result: "42" });
    expect(await run(pool, "'text'")).toMatchObject({ result: "'text'" });
    expect(await run(pool, "None")).toMatchObject({ result: null });
    expect(await run(pool, "_")).toMatchObject({ result: "'text'" });
  });

  it("captures print, stderr and a subprocess's output separately per call", async () => {
    const pool = newPool();
    const first = await run(
      pool,
      "import sys, os\nprint('out')\nprint('err', file=sys.stderr)\nos.system('echo shell')",
    );
    expect(first).toMatchObject({ status: "ok", stdout: "out\nshell\n", stderr: "err\n", result: "0" });
    expect(await run(pool, "print('second')")).toMatchObject({ stdout: "second\n", stderr: "" });
  });

  it("caps huge output to head and tail with a notice", async () => {
    const pool = newPool({ outputCap: 1000 });
    const outcome = await run(pool, "print('A' * 5000 + 'END')");
    expect(outcome.stdout.length).toBeLessThan(1100);
    expect(outcome.stdout.startsWith("AAAA")).toBe(true);
    expect(outcome.stdout).toContain("END\n");
    expect(outcome.stdout).toMatch(/\[\d+ characters omitted\]/);
  });

  it("reports an exception with a traceback of the cell only, and the kernel lives on", async () => {
    const pool = newPool();
    const outcome = await run(pool, "y = 1\n1 / 0");
    expect(outcome.status).toBe("error");
    expect(outcome.error).toContain('File "<cell-1>", line 2');
    expect(outcome.error).toContain("ZeroDivisionError");
    expect(outcome.error).not.toContain("kernel-driver.py");
    expect(await run(pool, "y")).toMatchObject({ status: "ok", result: "1" });
    expect((await run(pool, "def f(:")).error).toContain("SyntaxError");
    expect((await run(pool, "exit(3)")).error).toContain("does not stop this kernel");
  });

  it("makes input() fail at once instead of hanging", async () => {
    const pool = newPool();
    const outcome = await run(pool, "input('name? ')", 20_000);
    expect(outcome.status).toBe("error");
    expect(outcome.error).toContain("input() is not available");
  });

  it("interrupts `while True: pass` on timeout and keeps earlier variables", async () => {
    const pool = newPool();
    await run(pool, "kept = 'still here'");
    const outcome = await run(pool, "while True: pass", 1000);
    expect(outcome.status).toBe("timeout");
    expect(outcome.error).toContain("Timed out after 1 s");
    expect(outcome.error).toContain("KeyboardInterrupt");
    expect(await run(pool, "kept")).toMatchObject({ status: "ok", result: "'still here'" });
  });

  it("interrupts a running cell on request and refuses a second cell meanwhile", async () => {
    const pool = newPool();
    const { kernel } = await pool.acquire();
    await kernel.exec("import time\nn = 7", { timeoutMs: 20_000 });
    const running = kernel.exec("time.sleep(60)", { timeoutMs: 60_000 });
    await expect.poll(() => kernel.busy).toBe(true);
    await expectKernelError(kernel.exec("1", { timeoutMs: 1000 }), "busy");
    expect(kernel.interrupt()).toBe(true);
    expect(await running).toMatchObject({ status: "interrupted" });
    expect(await kernel.exec("n", { timeoutMs: 20_000 })).toMatchObject({ result: "7" });
  });

  it("kills a kernel that ignores the interrupt and restarts it on next use with a notice", async () => {
    const pool = newPool({ interruptGraceMs: 1000 });
    const code =
      "import time\nwhile True:\n    try:\n        time.sleep(60)\n    except KeyboardInterrupt:\n        pass";
    const outcome = await run(pool, code, 1000);
    expect(outcome.status).toBe("died");
    expect(outcome.error).toContain("variables are lost");
    const next = await pool.acquire();
    expect(next.notice).toContain("was restarted");
    expect(await next.kernel.exec("1 + 1", { timeoutMs: 20_000 })).toMatchObject({ result: "2" });
  });

  it("reports a kernel that exits by itself as died", async () => {
    const pool = newPool();
    const outcome = await run(pool, "import os\nos._exit(5)");
    expect(outcome.status).toBe("died");
    expect(outcome.error).toContain("exit code 5");
  });

  it("caps the number of kernels and frees a slot on shutdown", async () => {
    const pool = newPool({ maxKernels: 2 });
    await pool.acquire();
    const second = await pool.create();
    const error = await expectKernelError(pool.create(), "limit");
    expect(error.message).toContain("python_shutdown");
    await pool.shutdown(second.id);
    await expect(pool.create()).resolves.toBeDefined();
    await expectKernelError(pool.shutdown("k-unknown"), "not-found");
    await expectKernelError(pool.acquire("k-unknown"), "not-found");
  });

  it("restarts a kernel on reset: same id, new process, no variables", async () => {
    const pool = newPool();
    const { kernel } = await pool.acquire();
    await kernel.exec("z = 1", { timeoutMs: 20_000 });
    const oldPid = kernel.pid;
    const fresh = await pool.restart("default");
    expect(fresh.id).toBe("default");
    expect(fresh.pid).not.toBe(oldPid);
    expect((await run(pool, "z")).error).toContain("NameError");
    await expect.poll(() => processExists(oldPid as number), { timeout: 10_000, interval: 100 }).toBe(false);
  });

  it("reaps idle kernels: the default one comes back empty with a notice, others are gone", async () => {
    const pool = newPool({ idleMs: 60_000 });
    await run(pool, "w = 1");
    const other = await pool.create();
    await pool.reapIdle(Date.now() + 120_000);
    expect(pool.ids()).toEqual([]);
    const again = await pool.acquire();
    expect(again.notice).toContain("idle");
    expect((await again.kernel.exec("w", { timeoutMs: 20_000 })).error).toContain("NameError");
    const gone = await expectKernelError(pool.acquire(other.id), "not-found");
    expect(gone.message).toContain("idle");
  });

  it("lists the names a kernel defines and its Python version", async () => {
    const pool = newPool();
    await run(pool, "import math\nradius = 2.0\n_hidden = 1");
    const info = await (await pool.acquire()).kernel.info();
    expect(info.pythonVersion).toMatch(/^3\.\d+/);
    expect(info.names).toEqual(
      expect.arrayContaining([
        { name: "math", type: "module" },
        { name: "radius", type: "float" },
      ]),
    );
    expect(info.names.some((n) => n.name === "_hidden")).toBe(false);
  });

  it("leaves no orphan processes after shutdown, including ones the cell started", async () => {
    const pool = newPool();
    const outcome = await run(
      pool,
      "import subprocess\nchild = subprocess.Popen(['sleep', '60'])\nchild.pid",
    );
    const sleepPid = Number(outcome.result);
    const kernelPid = pool.peek()?.pid as number;
    expect(processExists(sleepPid)).toBe(true);
    await pool.shutdownAll();
    await expect.poll(() => processExists(kernelPid), { timeout: 10_000, interval: 100 }).toBe(false);
    await expect.poll(() => processExists(sleepPid), { timeout: 10_000, interval: 100 }).toBe(false);
  });
});
