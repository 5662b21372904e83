// Benchmark 5, datetime-mcp under load: the built server pinned to one core, one MCP session, autocannon
// sending tools/call get_current_time over 127.0.0.1 for a bounded time; req/s, latency and RSS.
import { execFileSync, spawn } from "node:child_process";
import { createRequire } from "node:module";
import { cpus } from "node:os";
import { join } from "node:path";
import { repoRoot } from "../test/support/run-agent.js";
import { BenchCheckError, check, withDeadline } from "./support/bounded.js";
import { freePort } from "./support/free-port.js";
import { peakRssKib, rssKib } from "./support/proc.js";
import type { Benchmark, BenchReport } from "./support/report.js";
import { mib, ms } from "./support/stats.js";

const DURATION_S = 10;
const CONNECTIONS = 10;
const serverMain = join(repoRoot, "mcp-servers", "datetime", "dist", "main.js");

/** The part of autocannon's API and result this benchmark uses (the package ships no types). */
interface LoadRequest {
  method: "POST";
  path: string;
  headers: Record<string, string>;
  setupRequest: (request: { body?: string }) => { body?: string };
  onResponse: (status: number, body: string) => void;
}
interface LoadResult {
  requests: { average: number; total: number };
  latency: { p50: number; p99: number };
  errors: number;
  timeouts: number;
  non2xx: number;
}
type Autocannon = (options: {
  url: string;
  connections: number;
  duration: number;
  requests: LoadRequest[];
}) => Promise<LoadResult>;

const autocannon = createRequire(import.meta.url)("autocannon") as Autocannon;

const ACCEPT = "application/json, text/event-stream";

async function rpc(
  url: string,
  body: unknown,
  session?: string,
): Promise<{ session?: string; text: string }> {
  const headers: Record<string, string> = { "content-type": "application/json", accept: ACCEPT };
  if (session) headers["mcp-session-id"] = session;
  const response = await fetch(url, { method: "POST", headers, body: JSON.stringify(body) });
  const text = await response.text();
  if (!response.ok)
    throw new BenchCheckError(`datetime-mcp answered ${response.status}: ${text.slice(0, 200)}`);
  const id = response.headers.get("mcp-session-id") ?? undefined;
  return { ...(id ? { session: id } : {}), text };
}

async function waitHealthy(base: string): Promise<void> {
  const end = performance.now() + 15_000;
  while (performance.now() < end) {
    const ok = await fetch(`${base}/healthz`).then(
      (response) => response.ok,
      () => false,
    );
    if (ok) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new BenchCheckError("datetime-mcp did not become healthy within 15 s (run npm run build first).");
}

/** Pins a process to the given CPU list ("0", "1-3") when taskset exists; returns whether it did. */
function pin(pid: number, cpuList: string): boolean {
  try {
    execFileSync("taskset", ["-p", "-c", cpuList, String(pid)], { stdio: "ignore", timeout: 5_000 });
    return true;
  } catch {
    return false;
  }
}

export const datetimeLoad: Benchmark = {
  name: "datetime",
  title: "datetime-mcp under load (tools/call get_current_time, one core)",
  timeLimitMs: 60_000,
  async run(): Promise<BenchReport> {
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const env = {
      PATH: process.env.PATH ?? "/usr/bin:/bin",
      PORT: String(port),
      HOST: "127.0.0.1",
      LOG_LEVEL: "warn",
      MCP_ALLOWED_HOSTS: "127.0.0.1",
    };
    const server = spawn(process.execPath, [serverMain], { env, stdio: ["ignore", "ignore", "pipe"] });
    const pid = server.pid ?? -1;
    const cores = cpus().length;
    const pinned = pin(pid, "0");
    if (pinned && cores > 1) pin(process.pid, `1-${cores - 1}`);
    try {
      await waitHealthy(base);
      const url = `${base}/mcp`;
      const init = await rpc(url, {
        jsonrpc: "2.0",
        id: 0,
        method: "initialize",
        params: {
          protocolVersion: "2025-06-18",
          capabilities: {},
          clientInfo: { name: "bench", version: "1" },
        },
      });
      check(init.session, "datetime-mcp gave no Mcp-Session-Id on initialize");
      await rpc(url, { jsonrpc: "2.0", method: "notifications/initialized" }, init.session);
      const call = (id: number) =>
        JSON.stringify({
          jsonrpc: "2.0",
          id,
          method: "tools/call",
          params: { name: "get_current_time", arguments: { timezone: "Europe/London" } },
        });
      const probe = await rpc(url, JSON.parse(call(1)), init.session);
      check(probe.text.includes("Europe/London"), `tools/call returned no time: ${probe.text.slice(0, 200)}`);
      const idleKib = rssKib(pid);
      let nextId = 2;
      let answered = 0;
      const result = await withDeadline(
        autocannon({
          url,
          connections: CONNECTIONS,
          duration: DURATION_S,
          requests: [
            {
              method: "POST",
              path: "/mcp",
              headers: { "content-type": "application/json", accept: ACCEPT, "mcp-session-id": init.session },
              // A fresh JSON-RPC id per request: concurrent requests in one session must not share one.
              setupRequest: (request) => ({ ...request, body: call(nextId++) }),
              onResponse: (status, body) => {
                if (status === 200 && body.includes("Europe/London")) answered++;
              },
            },
          ],
        }),
        (DURATION_S + 20) * 1000,
        "the autocannon run",
      );
      const peakKib = peakRssKib(pid);
      check(result.requests.total > 0, "autocannon sent no requests");
      check(result.errors === 0 && result.non2xx === 0, `${result.errors} errors, ${result.non2xx} non-2xx`);
      check(
        answered >= result.requests.total * 0.99,
        `only ${answered} of ${result.requests.total} answered`,
      );
      return {
        tables: [
          {
            title: `datetime-mcp under load (${DURATION_S} s, ${CONNECTIONS} connections, one MCP session, server ${pinned ? "pinned to core 0" : "not pinned"})`,
            columns: ["figure", "value"],
            rows: [
              ["tools/call per second (mean)", result.requests.average.toFixed(0)],
              ["requests answered correctly", String(answered)],
              ["latency p50, ms", ms(result.latency.p50)],
              ["latency p99, ms", ms(result.latency.p99)],
              ["RSS idle after one session", mib(idleKib)],
              ["peak RSS (VmHWM) under load", mib(peakKib)],
            ],
          },
        ],
        targets: [],
        notes: [],
      };
    } finally {
      if (pinned && cores > 1) pin(process.pid, `0-${cores - 1}`);
      if (server.exitCode === null && server.signalCode === null) {
        const closed = new Promise((resolve) => server.once("close", resolve));
        server.kill("SIGTERM");
        await withDeadline(closed, 10_000, "stopping datetime-mcp", () => server.kill("SIGKILL")).catch(
          () => undefined,
        );
      }
    }
  },
};
