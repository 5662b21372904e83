// Registers the python-mcp tools on an MCP server: python_exec, python_reset, python_status,
// python_interrupt and python_shutdown over one shared KernelPool, in which each MCP session owns its own
// kernels (another session's cannot be named, listed, run or stopped); expected failures are isError results.
import { randomUUID } from "node:crypto";

import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { z } from "zod";
import { KernelError } from "./kernel-error.js";
import { DEFAULT_KERNEL_ID, type KernelPool } from "./kernel-pool.js";
import type { ExecOutcome } from "./python-kernel.js";

export const DEFAULT_TIMEOUT_SECONDS = 30;
export const MAX_TIMEOUT_SECONDS = 300;

const kernelIdField = z
  .string()
  .min(1)
  .max(64)
  .describe(`Kernel id; omit for the default kernel ('${DEFAULT_KERNEL_ID}')`);

const execOutputShape = {
  kernel_id: z.string(),
  status: z.enum(["ok", "error", "interrupted", "timeout", "died"]),
  stdout: z.string(),
  stderr: z.string(),
  result: z.string().nullable().describe("repr() of the trailing expression's value"),
  error: z.string().nullable().describe("Traceback or explanation when status is not ok"),
  duration_ms: z.number(),
  notice: z.string().optional().describe("Something that happened to the kernel before this call"),
};

/** The model reads sections in order: output first, then the value, then what went wrong. */
function execText(outcome: ExecOutcome, notice: string | undefined): string {
  const parts: string[] = [];
  if (notice !== undefined) parts.push(`[notice] ${notice}`);
  if (outcome.stdout !== "") parts.push(`[stdout]\n${outcome.stdout}`);
  if (outcome.stderr !== "") parts.push(`[stderr]\n${outcome.stderr}`);
  if (outcome.result !== null) parts.push(`[result]\n${outcome.result}`);
  if (outcome.error !== null) parts.push(`[${outcome.status}]\n${outcome.error}`);
  return parts.length === 0 ? "(no output)" : parts.join("\n");
}

function json(value: object, isError = false): CallToolResult {
  return {
    content: [{ type: "text", text: JSON.stringify(value, null, 2) }],
    structuredContent: value as Record<string, unknown>,
    ...(isError ? { isError: true } : {}),
  };
}

/** Runs a tool body, turning an expected KernelError into an isError result. */
async function guarded(body: () => Promise<CallToolResult>): Promise<CallToolResult> {
  try {
    return await body();
  } catch (error) {
    if (!KernelError.isInstance(error)) throw error;
    return { content: [{ type: "text", text: error.message }], isError: true };
  }
}

/**
 * Returns a registerTools function for serveMcp/runFromEnv. Every session shares `pool`'s cap but owns its
 * kernels; they are shut down when the session closes.
 */
export function pythonTools(pool: KernelPool): (server: McpServer) => void {
  return (server) => {
    const owner = randomUUID();
    server.server.onclose = () => void pool.shutdownOwner(owner);
    server.registerTool(
      "python_exec",
      {
        description:
          "Run Python code in a persistent kernel: variables, imports and functions stay defined between calls. " +
          "The value of a trailing expression is returned like a REPL; stdout and stderr are captured. " +
          "input() is not available. On timeout the cell is interrupted and the kernel keeps its state.",
        inputSchema: {
          code: z.string().describe("Python source to run"),
          kernel_id: kernelIdField.optional(),
          timeout_seconds: z
            .number()
            .positive()
            .max(MAX_TIMEOUT_SECONDS)
            .optional()
            .describe(
              `Seconds before the cell is interrupted (default ${DEFAULT_TIMEOUT_SECONDS}, max ${MAX_TIMEOUT_SECONDS})`,
            ),
        },
        outputSchema: execOutputShape,
      },
      ({ code, kernel_id, timeout_seconds }, extra) =>
        guarded(async () => {
          const { kernel, notice } = await pool.acquire(kernel_id, owner);
          const timeoutMs = (timeout_seconds ?? DEFAULT_TIMEOUT_SECONDS) * 1000;
          // Clients time out long calls; progress notifications (when asked for) keep theirs from firing.
          const token = extra._meta?.progressToken;
          const started = Date.now();
          const ticker =
            token === undefined
              ? undefined
              : setInterval(() => {
                  void extra
                    .sendNotification({
                      method: "notifications/progress",
                      params: {
                        progressToken: token,
                        progress: Math.round((Date.now() - started) / 1000),
                        total: timeoutMs / 1000,
                        message: "running",
                      },
                    })
                    .catch(() => undefined);
                }, 5000);
          try {
            const outcome = await kernel.exec(code, { timeoutMs, signal: extra.signal });
            const value = {
              kernel_id: kernel.id,
              status: outcome.status,
              stdout: outcome.stdout,
              stderr: outcome.stderr,
              result: outcome.result,
              error: outcome.error,
              duration_ms: outcome.durationMs,
              ...(notice === undefined ? {} : { notice }),
            };
            return {
              content: [{ type: "text", text: execText(outcome, notice) }],
              structuredContent: value,
              ...(outcome.status === "ok" ? {} : { isError: true }),
            };
          } finally {
            clearInterval(ticker);
          }
        }),
    );

    server.registerTool(
      "python_reset",
      {
        description:
          "Without kernel_id: start a new, empty kernel and return its id. With kernel_id: restart that kernel " +
          "(all its variables are lost).",
        inputSchema: { kernel_id: kernelIdField.optional() },
      },
      ({ kernel_id }) =>
        guarded(async () => {
          const kernel =
            kernel_id === undefined ? await pool.create(owner) : await pool.restart(kernel_id, owner);
          return json({ kernel_id: kernel.id, restarted: kernel_id !== undefined, pid: kernel.pid ?? null });
        }),
    );

    server.registerTool(
      "python_status",
      {
        description:
          "Report on a kernel (default kernel if kernel_id is omitted): alive, busy, Python version and the " +
          "names defined, plus a list of all kernels.",
        inputSchema: { kernel_id: kernelIdField.optional() },
      },
      ({ kernel_id }) =>
        guarded(async () => {
          const id = kernel_id ?? DEFAULT_KERNEL_ID;
          const kernel = pool.peek(id, owner);
          const common = { kernels: pool.list(Date.now(), owner), max_kernels: pool.maxKernels };
          if (kernel === undefined) {
            if (kernel_id !== undefined) {
              throw new KernelError(
                `No kernel '${id}' (kernels: ${pool.ids(owner).join(", ") || "none"})`,
                "not-found",
                id,
              );
            }
            return json({
              kernel_id: id,
              alive: false,
              started: false,
              busy: false,
              python_version: null,
              names: [],
              ...common,
            });
          }
          const base = {
            kernel_id: id,
            alive: kernel.alive,
            started: true,
            busy: kernel.busy,
            pid: kernel.pid ?? null,
          };
          if (!kernel.alive || kernel.busy) {
            return json({
              ...base,
              python_version: null,
              names: null,
              note: kernel.busy
                ? "busy: names are listed once the cell ends"
                : `stopped (${kernel.exitDescription})`,
              ...common,
            });
          }
          const info = await kernel.info();
          return json({
            ...base,
            python_version: info.pythonVersion,
            cwd: info.cwd,
            names: info.names,
            ...common,
          });
        }),
    );

    server.registerTool(
      "python_interrupt",
      {
        description: "Interrupt the cell a kernel is running (like Ctrl-C); the kernel keeps its variables.",
        inputSchema: { kernel_id: kernelIdField },
      },
      ({ kernel_id }) =>
        guarded(async () => {
          const kernel = pool.peek(kernel_id, owner);
          if (kernel === undefined) {
            throw new KernelError(
              `No kernel '${kernel_id}' (kernels: ${pool.ids(owner).join(", ") || "none"})`,
              "not-found",
              kernel_id,
            );
          }
          if (!kernel.busy)
            return json({ kernel_id, interrupted: false, note: "the kernel was idle: nothing to interrupt" });
          return json({ kernel_id, interrupted: kernel.interrupt() });
        }),
    );

    server.registerTool(
      "python_shutdown",
      {
        description: "Stop a kernel and free its slot; its variables are lost.",
        inputSchema: { kernel_id: kernelIdField },
      },
      ({ kernel_id }) =>
        guarded(async () => {
          await pool.shutdown(kernel_id, owner);
          return json({ kernel_id, shut_down: true, kernels: pool.list(Date.now(), owner) });
        }),
    );
  };
}
