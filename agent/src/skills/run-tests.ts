// ctx.detectTestCommand, ctx.runTests and ctx.compareTestRuns: find the workspace's test command, run it through
// the skill's own `shell` (so allowed_tools still applies), read which tests passed and failed, and compare two
// runs, so a skill claims a fix only when a test that failed passes and none that passed fails.
import type { SkillTestComparison, SkillTestRun, SkillToolResult } from "./skill-api.js";
import { readTestReport } from "./test-report.js";

/** Calls one tool as the skill (restricted to its allowed_tools). */
export type CallTool = (name: string, args: Record<string, unknown>) => Promise<SkillToolResult>;

/**
 * Prints `test-command: <command>` for the workspace's project, or nothing: `npm test` for a package.json,
 * pytest for Python tests when it is installed (the workspace's .venv first), else unittest.
 */
const DETECT_TESTS =
  'if [ -f package.json ]; then echo "test-command: npm test"; ' +
  'elif [ -n "$(ls *.py tests/*.py test/*.py pyproject.toml 2>/dev/null)" ]; then ' +
  "py=python3; [ -x .venv/bin/python ] && py=.venv/bin/python; " +
  'if $py -m pytest --version >/dev/null 2>&1; then echo "test-command: $py -m pytest -q -rA"; ' +
  'else echo "test-command: $py -m unittest discover -v"; fi; fi';

/** Longest a test run may take. */
const TEST_TIMEOUT_SECONDS = 600;
/** read_file calls spent reading a spilled test log (48 KB each). */
const MAX_LOG_PAGES = 40;

export async function detectTestCommand(call: CallTool): Promise<string> {
  const probe = await call("shell", { command: DETECT_TESTS });
  // Only the marked line counts: the shell tool adds its own lines ("(no output)", the exit code).
  return probe.isError ? "" : (/^test-command: (.+)$/m.exec(probe.text)?.[1]?.trim() ?? "");
}

/** Runs `command` (else the detected one) and reads the runner's report. Never throws for a failing run. */
export async function runTests(
  call: CallTool,
  canReadFiles: boolean,
  command: string | undefined,
): Promise<SkillTestRun> {
  const chosen = command?.trim() || (await detectTestCommand(call));
  if (!chosen) {
    return emptyRun(
      "",
      'no test command found (no package.json, no Python tests or pyproject.toml); pass test:"<command>"',
    );
  }
  const result = await call("shell", { command: chosen, timeout_seconds: TEST_TIMEOUT_SECONDS });
  const ending =
    /\n\[(exit code (\d+|unknown)|killed by signal \w+|Timed out after [^\]]*|Cancelled[^\]]*)\]/g;
  const endings = [...result.text.matchAll(ending)];
  const last = endings.at(-1);
  if (last === undefined) return emptyRun(chosen, `the test command could not run: ${result.text.trim()}`);
  let output = result.text.slice(0, last.index);
  if (output === "(no output)") output = "";
  const log = /(?:the full log is in|are in) (\.agent\/logs\/shell-[\w-]+\.log)/.exec(output)?.[1];
  if (log !== undefined && canReadFiles) output = (await readLog(call, log)) ?? output;
  const exitCode = last[2] !== undefined && last[2] !== "unknown" ? Number(last[2]) : undefined;
  const report = readTestReport(output);
  const tests = [...report.tests].map(([id, outcome]) => ({ id, outcome }));
  const run: SkillTestRun = {
    command: chosen,
    runner: report.runner,
    ...(exitCode === undefined ? {} : { exitCode }),
    tests,
    ...report.counts,
    namesPasses: report.namesPasses,
    tail: tailOf(output),
  };
  const problem = problemOf(run, last[1] ?? "");
  return problem === undefined ? run : { ...run, problem };
}

/** Why a run says nothing about the code, or undefined when it can be compared. */
function problemOf(run: SkillTestRun, ending: string): string | undefined {
  if (run.exitCode === undefined) return `the tests did not finish (${ending})`;
  if (run.runner === "unknown") {
    return (
      `the output of ${run.command} (exit code ${run.exitCode}) is not one I can read test results from; ` +
      "pytest, unittest, node --test and vitest are understood"
    );
  }
  if (run.passed + run.failed + run.skipped === 0) {
    const hint =
      run.runner === "unittest"
        ? ": unittest found no tests (plain test_ functions are pytest tests: run them with pytest, which install_dependency can add)"
        : "";
    return `0 tests ran (${run.command})${hint}`;
  }
  if (run.exitCode !== 0 && run.failed === 0) {
    return `${run.command} exited with code ${run.exitCode} but reported no failing test`;
  }
  return undefined;
}

/**
 * Compares a run before a change with one after it, by test id: `fixed` failed before and pass after (proved by
 * name, or by the counts when the runner names only failures), `regressed` fail after and did not before,
 * `missing` passed before and are gone.
 */
export function compareTestRuns(before: SkillTestRun, after: SkillTestRun): SkillTestComparison {
  const ids = (run: SkillTestRun, outcome: string) =>
    new Set(run.tests.filter((test) => test.outcome === outcome).map((test) => test.id));
  const failedBefore = ids(before, "failed");
  const failedAfter = ids(after, "failed");
  const passedAfter = ids(after, "passed");
  const seenAfter = new Set(after.tests.map((test) => test.id));
  const total = (run: SkillTestRun) => run.passed + run.failed + run.skipped;
  const resolved = [...failedBefore].filter((id) => !failedAfter.has(id));
  const countsProve =
    !after.namesPasses && after.passed - before.passed >= resolved.length && total(after) >= total(before);
  const fixed = resolved.filter((id) => passedAfter.has(id) || (countsProve && !seenAfter.has(id)));
  const regressed = [...failedAfter].filter((id) => !failedBefore.has(id));
  const missing =
    before.namesPasses && after.namesPasses
      ? [...ids(before, "passed")].filter((id) => !seenAfter.has(id))
      : [];
  const fewer = Math.max(0, total(before) - total(after));
  return {
    fixed,
    regressed,
    stillFailing: [...failedBefore].filter((id) => failedAfter.has(id)),
    missing,
    fewerTests: fewer,
    summary:
      `before: ${before.passed} passed, ${before.failed} failed; after: ${after.passed} passed, ${after.failed} failed` +
      ` (${after.command})`,
  };
}

/** The whole spilled log, read page by page; undefined when it cannot be read. */
async function readLog(call: CallTool, path: string): Promise<string | undefined> {
  const parts: string[] = [];
  let offset = 1;
  for (let page = 0; page < MAX_LOG_PAGES; page++) {
    const result = await call("read_file", { path, offset });
    if (result.isError) return page === 0 ? undefined : parts.join("\n");
    const next = /\n\n\[(?:.* )?Showing lines \d+-\d+(?: of \d+)?\. Use offset=(\d+) to continue\.\]$/.exec(
      result.text,
    );
    parts.push(next ? result.text.slice(0, next.index) : result.text);
    if (!next?.[1]) break;
    offset = Number(next[1]);
  }
  return parts.join("\n");
}

function emptyRun(command: string, problem: string): SkillTestRun {
  return {
    command,
    runner: "unknown",
    tests: [],
    passed: 0,
    failed: 0,
    skipped: 0,
    namesPasses: false,
    tail: "",
    problem,
  };
}

function tailOf(text: string, lines = 30): string {
  return text.trimEnd().split("\n").slice(-lines).join("\n");
}
