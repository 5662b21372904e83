// Benchmark: a multi-step task (list 20 JSON files, read each, total a field) through the built agent with
// plain tool calls (one read per step, and all reads in one response) and with code mode (one run_code call),
// scripted as a model would do it: LLM requests, o200k tokens sent, wall time of the whole `agent -p` run.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { countTokens } from "gpt-tokenizer/encoding/o200k_base";
import type { RecordedRequest, ScriptStep } from "../test/support/scripted-llm.js";
import { ScriptedLlm } from "../test/support/scripted-llm.js";
import { requireBuild, startAgent } from "./support/agent-process.js";
import { check } from "./support/bounded.js";
import { type Benchmark, type BenchReport, judge } from "./support/report.js";
import { median, ms } from "./support/stats.js";

const FILES = 20;
const RUNS = 3;
const MARKER = "bench-item";

type Variant = "calls, one read per step" | "calls, all reads in one response" | "code mode (run_code)";

/** 20 records of about 600 bytes each, with an `amount` to total; returns the expected total. */
function makeWorkspace(): { dir: string; total: number } {
  const dir = mkdtempSync(join(tmpdir(), "bench-code-mode-"));
  let total = 0;
  for (let i = 1; i <= FILES; i++) {
    const amount = i * 7;
    total += amount;
    const record = {
      id: `${MARKER}-${i}`,
      amount,
      customer: `customer ${i}`,
      notes: "lorem ipsum dolor sit amet, consectetur adipiscing elit ".repeat(10),
    };
    writeFileSync(join(dir, `item-${String(i).padStart(2, "0")}.json`), JSON.stringify(record, null, 2));
  }
  return { dir, total };
}

const names = Array.from({ length: FILES }, (_, i) => `item-${String(i + 1).padStart(2, "0")}.json`);
const call = (name: string, args: Record<string, unknown>, id: string) => ({ id, name, arguments: args });

/** What a model would do in each variant; the last step answers with the total it was shown. */
function script(variant: Variant, total: number): ScriptStep[] {
  const answer: ScriptStep = { text: `The total amount is ${total}.` };
  switch (variant) {
    case "calls, one read per step":
      return [
        { toolCalls: [call("list_files", { path: "." }, "c0")] },
        ...names.map((name, i) => ({ toolCalls: [call("read_file", { path: name }, `c${i + 1}`)] })),
        answer,
      ];
    case "calls, all reads in one response":
      return [
        { toolCalls: [call("list_files", { path: "." }, "c0")] },
        { toolCalls: names.map((name, i) => call("read_file", { path: name }, `c${i + 1}`)) },
        answer,
      ];
    case "code mode (run_code)": {
      const code = `const listing = await tools.list_files({ path: "." });
const files = listing.split("\\n").map((line) => line.trim().split(/\\s+/)[0]).filter((name) => /^item-\\d+\\.json$/.test(name));
const records = await Promise.all(files.map(async (path) => JSON.parse(await tools.read_file({ path }))));
const total = records.reduce((sum, record) => sum + record.amount, 0);
return { files: files.length, total };`;
      return [{ toolCalls: [call("run_code", { code }, "c0")] }, answer];
    }
  }
}

interface Figures {
  requests: number;
  tokensSent: number;
  /** The first request: system prompt (with run_code's API in code mode) and tool schemas. */
  firstRequestTokens: number;
  wallMs: number;
}

async function session(variant: Variant): Promise<Figures> {
  const { dir, total } = makeWorkspace();
  const llm = await ScriptedLlm.start();
  try {
    llm.enqueue(...script(variant, total));
    const started = performance.now();
    const agent = startAgent("Total the amount field of every item-*.json file.", {
      build: "built",
      baseURL: llm.baseURL,
      workspace: dir,
      args: ["--max-steps", "50"],
      timeoutMs: 120_000,
      env: {
        TOOL_MODE: variant === "code mode (run_code)" ? "code" : "calls",
        CHECKPOINTS: "false",
        COMPACT_AT_PERCENT: "0",
      },
    });
    const run = await agent.done;
    const wallMs = performance.now() - started;
    check(run.code === 0, `${variant}: the agent exited ${run.code}: ${run.stderr.slice(-500)}`);
    check(run.stdout.includes(`The total amount is ${total}.`), `${variant}: no final answer printed`);
    check(llm.pending === 0 && llm.unexpected === 0, `${variant}: the script was not followed exactly`);
    const last = llm.requests.at(-1) as RecordedRequest;
    const results = last.body.messages.filter((m) => m.role === "tool").map((m) => String(m.content));
    if (variant === "code mode (run_code)") {
      check(
        results.some((text) => text.includes(`"total": ${total}`) && text.includes(`"files": ${FILES}`)),
        `code mode: the run_code result did not carry the total: ${results.join("\n").slice(0, 500)}`,
      );
    } else {
      const seen = new Set(
        results.flatMap((text) => [...text.matchAll(/bench-item-(\d+)"/g)].map((m) => m[1])),
      );
      check(seen.size === FILES, `${variant}: only ${seen.size} of ${FILES} files reached the model`);
    }
    const tokensSent = llm.requests.reduce((sum, request) => sum + countTokens(request.raw), 0);
    const firstRequestTokens = countTokens((llm.requests[0] as RecordedRequest).raw);
    return { requests: llm.requests.length, tokensSent, firstRequestTokens, wallMs };
  } finally {
    await llm.close();
  }
}

export const codeMode: Benchmark = {
  name: "codemode",
  title: "Code mode vs tool calls: 20 files read and totalled",
  timeLimitMs: 600_000,
  async run(): Promise<BenchReport> {
    requireBuild();
    const variants: Variant[] = [
      "calls, one read per step",
      "calls, all reads in one response",
      "code mode (run_code)",
    ];
    const figures = new Map<Variant, Figures[]>(variants.map((v) => [v, []]));
    // Interleaved, so machine noise falls on every variant alike.
    for (let run = 0; run < RUNS; run++) {
      for (const variant of variants) figures.get(variant)?.push(await session(variant));
    }
    const summary = variants.map((variant) => {
      const runs = figures.get(variant) ?? [];
      return {
        variant,
        requests: runs[0]?.requests ?? Number.NaN,
        tokens: runs[0]?.tokensSent ?? Number.NaN,
        first: runs[0]?.firstRequestTokens ?? Number.NaN,
        wall: median(runs.map((r) => r.wallMs)),
      };
    });
    const [sequential, parallel, code] = summary;
    const best = Math.min(sequential?.tokens ?? Number.NaN, parallel?.tokens ?? Number.NaN);
    const fewestRequests = Math.min(sequential?.requests ?? Number.NaN, parallel?.requests ?? Number.NaN);
    return {
      tables: [
        {
          title: `Code mode vs tool calls: ${FILES} JSON files (~600 B each) listed, read and totalled, built agent, local sandbox (median of ${RUNS} runs for wall time)`,
          columns: [
            "variant",
            "LLM requests",
            "o200k tokens sent (all request bodies)",
            "of which the first request",
            "wall time of agent -p, ms (median)",
          ],
          rows: summary.map((s) => [
            s.variant,
            String(s.requests),
            String(s.tokens),
            String(s.first),
            ms(s.wall),
          ]),
        },
      ],
      targets: [
        judge(
          "code mode: fewer LLM requests than the best tool-call variant",
          code?.requests ?? Number.NaN,
          fewestRequests,
          `${code?.requests} vs ${fewestRequests}`,
          `< ${fewestRequests}`,
        ),
        judge(
          "code mode: fewer tokens sent than the best tool-call variant",
          code?.tokens ?? Number.NaN,
          best,
          `${code?.tokens} vs ${best}`,
          `< ${best}`,
        ),
      ],
      notes: [
        "Token counts are the same in every run (the script is fixed); wall time includes the agent's start-up, the toolhost's, and in code mode TypeScript's first load in the toolhost and one sandboxed node process.",
      ],
    };
  },
};
