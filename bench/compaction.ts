// Benchmark 7, compaction: a 40-turn session of file reads through the built agent on a 16k-token window,
// with automatic compaction and without it (older turns dropped); o200k tokens per turn, before and after.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { countTokens } from "gpt-tokenizer/encoding/o200k_base";
import { scriptLongSession } from "../test/support/long-session.js";
import { agentEnv } from "../test/support/run-agent.js";
import { type RecordedRequest, ScriptedLlm } from "../test/support/scripted-llm.js";
import { spawnCollecting } from "../test/support/spawn-collecting.js";
import { builtAgentMain, requireBuild } from "./support/agent-process.js";
import { check, withDeadline } from "./support/bounded.js";
import type { Benchmark, BenchReport, Table } from "./support/report.js";
import { judge } from "./support/report.js";

const TURNS = 40;
const WINDOW = 16_384;
/** Each file is about 1,000 o200k tokens, so one turn adds about 1,100 to the history. */
const FILE_TEXT = (i: number) =>
  `notes-${i}: ${"the quick brown fox jumps over the lazy dog ".repeat(110)}\n`;

/** o200k tokens of what a request sends: each message's text and calls, and the tool schemas. */
export function requestTokens(request: RecordedRequest): number {
  const messages = request.body.messages.reduce(
    (sum, m) =>
      sum + countTokens(m.content ?? "") + (m.tool_calls ? countTokens(JSON.stringify(m.tool_calls)) : 0),
    0,
  );
  return messages + (request.body.tools ? countTokens(JSON.stringify(request.body.tools)) : 0);
}

interface SessionRun {
  /** Tokens of each turn's first request (the user's prompt and all the history before it). */
  perTurn: number[];
  /** Tokens of each summary request. */
  summaries: number[];
  /** Turn (1-based) before whose request each compaction happened. */
  compactedBefore: number[];
  /** Total tokens sent over the session, summary requests included. */
  total: number;
  /** Whether the last request still names the first turn's file (verbatim or in the summary). */
  remembersFirstFile: boolean;
}

async function runSession(compactAtPercent: number): Promise<SessionRun> {
  const llm = await ScriptedLlm.start();
  const workspace = mkdtempSync(join(tmpdir(), "bench-compaction-"));
  try {
    llm.models["gpt-4o-mini"] = { listed: { max_model_len: WINDOW } };
    for (let i = 0; i < TURNS; i++) writeFileSync(join(workspace, `notes-${i}.txt`), FILE_TEXT(i));
    const script = scriptLongSession(llm, { replies: TURNS * 3 });
    const env = agentEnv({
      baseURL: llm.baseURL,
      env: { LOG_LEVEL: "warn", CHECKPOINTS: "false", COMPACT_AT_PERCENT: String(compactAtPercent) },
    });
    const prompts = Array.from({ length: TURNS }, (_, i) => `read notes-${i}.txt`).join("\n");
    const agent = spawnCollecting(
      process.execPath,
      [builtAgentMain, "--workspace", workspace, "--sandbox", "local"],
      {
        env,
        cwd: workspace,
        timeoutMs: 170_000,
        stdin: `${prompts}\n`,
        onClose: () => rmSync(env.HOME ?? "", { recursive: true, force: true }),
      },
    );
    const result = await withDeadline(agent.done, 180_000, "a 40-turn session");
    check(result.code === 0, `the agent exited ${result.code}: ${result.stderr.slice(-500)}`);
    check(llm.unexpected === 0, "the agent made more requests than scripted");
    const turnStarts = script.turnRequests.filter((r) => r.body.messages.at(-1)?.role === "user");
    check(turnStarts.length === TURNS, `expected ${TURNS} turns, the server saw ${turnStarts.length}`);
    // Proof the work happened: every read's result reached the model.
    const answers = script.turnRequests.filter((r) => r.body.messages.at(-1)?.role === "tool");
    check(answers.length === TURNS, `expected ${TURNS} tool results, saw ${answers.length}`);
    for (const [i, r] of answers.entries()) {
      check(
        r.body.messages.at(-1)?.content?.includes(`notes-${i}:`),
        `turn ${i + 1}'s read did not reach the model`,
      );
    }
    const order = llm.requests;
    const compactedBefore = script.summaryRequests.map((summary) => {
      const after = order.indexOf(summary);
      return turnStarts.findIndex((r) => order.indexOf(r) > after) + 1;
    });
    const last = order.at(-1);
    return {
      perTurn: turnStarts.map(requestTokens),
      summaries: script.summaryRequests.map(requestTokens),
      compactedBefore,
      total: order.reduce((sum, r) => sum + requestTokens(r), 0),
      remembersFirstFile: Boolean(last?.raw.includes("notes-0.txt")),
    };
  } finally {
    await llm.close();
    rmSync(workspace, { recursive: true, force: true });
  }
}

const mean = (values: readonly number[]) => values.reduce((a, b) => a + b, 0) / Math.max(1, values.length);

export const compaction: Benchmark = {
  name: "compaction",
  title: "Compaction: tokens per turn over a 40-turn session, 16k window, with and without",
  timeLimitMs: 420_000,
  async run(): Promise<BenchReport> {
    requireBuild();
    const on = await runSession(80);
    const off = await runSession(0);
    check(on.summaries.length > 0, "the session with compaction never compacted");
    check(off.summaries.length === 0, "the session without compaction compacted");
    const first = on.compactedBefore[0] ?? 0;
    const series: Table = {
      title: `Prompt tokens per turn (o200k, each turn's first request), window ${WINDOW}`,
      columns: ["turn", "with compaction", "without (older turns dropped)"],
      rows: on.perTurn.flatMap((tokens, i) => {
        const turn = i + 1;
        const shown =
          turn <= 3 ||
          turn % 5 === 0 ||
          on.compactedBefore.includes(turn) ||
          on.compactedBefore.includes(turn + 1);
        const mark = on.compactedBefore.includes(turn) ? " (after a compaction)" : "";
        return shown ? [[String(turn), `${tokens}${mark}`, String(off.perTurn[i] ?? "")]] : [];
      }),
    };
    const summary: Table = {
      title: "Compaction over the session",
      columns: ["figure", "with compaction", "without"],
      rows: [
        ["compactions (summary requests)", String(on.summaries.length), "0"],
        ["turns that followed a compaction", on.compactedBefore.join(", "), "–"],
        [
          "tokens of the turn before the first compaction → the turn after",
          `${on.perTurn[first - 2] ?? "?"} → ${on.perTurn[first - 1] ?? "?"}`,
          "–",
        ],
        [
          "peak tokens of a turn's request",
          String(Math.max(...on.perTurn)),
          String(Math.max(...off.perTurn)),
        ],
        ["mean tokens per turn (turns 1–40)", mean(on.perTurn).toFixed(0), mean(off.perTurn).toFixed(0)],
        ["mean tokens of a summary request", mean(on.summaries).toFixed(0), "–"],
        ["tokens sent over the session (all requests)", String(on.total), String(off.total)],
        [
          "last request still names turn 1's file",
          on.remembersFirstFile ? "yes (summary)" : "no",
          off.remembersFirstFile ? "yes" : "no",
        ],
      ],
    };
    const peak = Math.max(...on.perTurn);
    return {
      tables: [series, summary],
      targets: [
        judge(
          "compaction: peak request within the window less the answer's room",
          peak,
          WINDOW - 4_096 + 1,
          `${peak} tokens`,
          `≤ ${WINDOW - 4_096} tokens`,
        ),
      ],
      notes: [
        `Each turn reads one ~1,000-token file and answers in a line; the scripted model writes a ~60-word summary. ` +
          `Without compaction (COMPACT_AT_PERCENT=0) the oldest turns are dropped to fit; with it they become the ` +
          `summary, whose "Files touched" keeps every file read.`,
      ],
    };
  },
};
