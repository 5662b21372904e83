// Benchmark 4, prompt footprint: o200k tokens of the system prompt plus every built-in tool schema, read
// from the first request the built agent really sent (so it counts exactly what a model receives).
import { countTokens } from "gpt-tokenizer/encoding/o200k_base";
import type { RecordedRequest } from "../test/support/scripted-llm.js";
import { requireBuild } from "./support/agent-process.js";
import { check } from "./support/bounded.js";
import { oneShot } from "./support/one-shot.js";
import type { Benchmark, BenchReport, Table } from "./support/report.js";
import { judge } from "./support/report.js";

/** Tokens of a first request: the system prompt, each tool's JSON as sent, and the whole body. */
export interface Footprint {
  systemTokens: number;
  /** Tool name → tokens of its JSON definition. */
  toolTokens: Array<[string, number]>;
  /** System prompt plus all tool definitions. */
  totalTokens: number;
  /** Bytes of the whole request body. */
  requestBytes: number;
}

export function footprintOf(request: RecordedRequest): Footprint {
  const messages = request.body.messages;
  const system = messages
    .filter((m) => m.role === "system" || m.role === "developer")
    .map((m) => (typeof m.content === "string" ? m.content : JSON.stringify(m.content)))
    .join("\n");
  const systemTokens = countTokens(system);
  const toolTokens = (request.body.tools ?? []).map(
    (tool) => [tool.function.name, countTokens(JSON.stringify(tool))] as [string, number],
  );
  const totalTokens = systemTokens + toolTokens.reduce((sum, [, n]) => sum + n, 0);
  return { systemTokens, toolTokens, totalTokens, requestBytes: Buffer.byteLength(request.raw) };
}

export function footprintTable(title: string, footprint: Footprint): Table {
  return {
    title,
    columns: ["part", "o200k tokens"],
    rows: [
      ["system prompt", String(footprint.systemTokens)],
      ...footprint.toolTokens.map(([name, n]) => [`tool ${name}`, String(n)]),
      ["**system prompt + all tool schemas**", `**${footprint.totalTokens}**`],
      ["whole first request body (bytes)", String(footprint.requestBytes)],
    ],
  };
}

export const promptFootprint: Benchmark = {
  name: "footprint",
  title: "Prompt footprint: system prompt + built-in tool schemas (o200k)",
  timeLimitMs: 60_000,
  async run(): Promise<BenchReport> {
    requireBuild();
    const { request } = await oneShot("built");
    const footprint = footprintOf(request);
    const names = footprint.toolTokens.map(([name]) => name);
    check(
      names.includes("read_file") && names.includes("shell"),
      `built-ins missing from ${names.join(", ")}`,
    );
    return {
      tables: [footprintTable("Prompt footprint of our agent (first request, no MCP servers)", footprint)],
      targets: [
        judge(
          "prompt footprint, system + tool schemas",
          footprint.totalTokens,
          1200,
          `${footprint.totalTokens} tokens`,
          "< 1,200 tokens",
        ),
      ],
      notes: [],
    };
  },
};
