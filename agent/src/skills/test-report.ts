// Reads what a test runner printed: which runner, each test it names with its outcome, and the totals of its
// summary. Pure text in, facts out; a runner it does not know gives `runner: "unknown"`, never a guess.

/** The runners whose output is understood. */
export type TestRunner = "pytest" | "unittest" | "node-test" | "vitest";

/** What happened to one test. */
export type TestOutcome = "passed" | "failed" | "skipped";

/** What one run of a test command showed. */
export interface TestReport {
  /** Whose output this was; "unknown" when no known runner's summary was found. */
  runner: TestRunner | "unknown";
  /** Outcome by test id (`file::test` for pytest, `module.Class.test` for unittest, `suite > test` else). */
  tests: Map<string, TestOutcome>;
  /** Totals from the runner's summary (failed includes errors; skipped includes todo and xfail). */
  counts: { passed: number; failed: number; skipped: number };
  /** True when passing tests are named one by one, not only counted (pytest -rA or -v, unittest -v, ...). */
  namesPasses: boolean;
}

// Colour codes some runners print even without a TTY (ESC [ ... letter).
const ANSI = new RegExp(`${String.fromCharCode(27)}\\[[0-9;?]*[A-Za-z]`, "g");

/** Reads `output` (stdout and stderr of the test command). Never throws. */
export function readTestReport(output: string): TestReport {
  const lines = output.replace(ANSI, "").replace(/\r/g, "").split("\n");
  for (const read of [readPytest, readUnittest, readNodeTest, readVitest]) {
    const report = read(lines);
    if (report !== undefined) return report;
  }
  return {
    runner: "unknown",
    tests: new Map(),
    counts: { passed: 0, failed: 0, skipped: 0 },
    namesPasses: false,
  };
}

/** Records an outcome; a test reported twice (passed, then an error in teardown) keeps the worst. */
function record(tests: Map<string, TestOutcome>, id: string, outcome: TestOutcome): void {
  const rank = { skipped: 0, passed: 1, failed: 2 } as const;
  const previous = tests.get(id);
  if (previous === undefined || rank[outcome] > rank[previous]) tests.set(id, outcome);
}

function countsOf(tests: Map<string, TestOutcome>): TestReport["counts"] {
  const counts = { passed: 0, failed: 0, skipped: 0 };
  for (const outcome of tests.values()) counts[outcome]++;
  return counts;
}

// pytest: `1 failed, 4 passed, 1 skipped in 1.60s` (or `no tests ran in 0.01s`), with or without `=` borders;
// tests by id from the short summary (-rA: PASSED/FAILED/ERROR lines) or -v lines (`a.py::t PASSED [ 50%]`).
function readPytest(lines: string[]): TestReport | undefined {
  const summary = lines.findLast((line) =>
    /^=*\s*(?:no tests ran|(?:\d+ (?:passed|failed|errors?|skipped|xfailed|xpassed|deselected|warnings?)(?:, )?)+) in [\d.]+s/.test(
      line,
    ),
  );
  if (summary === undefined) return undefined;
  const tests = new Map<string, TestOutcome>();
  const outcomes: Record<string, TestOutcome> = {
    PASSED: "passed",
    XPASS: "passed",
    FAILED: "failed",
    ERROR: "failed",
    SKIPPED: "skipped",
    XFAIL: "skipped",
  };
  for (const line of lines) {
    const summaryLine = /^(PASSED|FAILED|ERROR|XPASS|XFAIL|SKIPPED) (\S+)/.exec(line);
    // SKIPPED short-summary lines name a location (`[1] test_a.py:7: reason`), not a test id.
    if (summaryLine?.[1] && summaryLine[2] && !summaryLine[2].startsWith("[")) {
      record(tests, summaryLine[2], outcomes[summaryLine[1]] ?? "failed");
      continue;
    }
    const verbose = /^(\S+::\S+) (PASSED|FAILED|ERROR|XPASS|XFAIL|SKIPPED)\b/.exec(line);
    if (verbose?.[1] && verbose[2]) record(tests, verbose[1], outcomes[verbose[2]] ?? "failed");
  }
  const count = (word: RegExp) =>
    [...summary.matchAll(/(\d+) ([a-z]+)/g)]
      .filter((m) => word.test(m[2] ?? ""))
      .reduce((sum, m) => sum + Number(m[1]), 0);
  const counts = {
    passed: count(/^(passed|xpassed)$/),
    failed: count(/^(failed|errors?)$/),
    skipped: count(/^(skipped|xfailed)$/),
  };
  const namesPasses = counts.passed === 0 || [...tests.values()].includes("passed");
  return { runner: "pytest", tests, counts, namesPasses };
}

// unittest: `Ran 4 tests in 0.001s` then `OK`, `OK (skipped=1)` or `FAILED (failures=1, errors=1)`; with -v one
// line per test (`test_a (mod.Cls.test_a) ... ok`, a docstring putting the status on the next line), without
// it only the `FAIL: test_a (mod.Cls.test_a)` headers of failures.
function readUnittest(lines: string[]): TestReport | undefined {
  const ranAt = lines.findLastIndex((line) => /^Ran \d+ tests? in [\d.]+s$/.test(line));
  if (ranAt === -1) return undefined;
  const ran = Number(/^Ran (\d+)/.exec(lines[ranAt] ?? "")?.[1] ?? 0);
  const verdict = lines.slice(ranAt + 1).find((line) => line.trim() !== "") ?? "";
  const field = (name: string) => Number(new RegExp(`${name}=(\\d+)`).exec(verdict)?.[1] ?? 0);
  const failed = field("failures") + field("errors") + field("unexpected successes");
  const skipped = field("skipped") + field("expected failures");
  const tests = new Map<string, TestOutcome>();
  const idOf = (name: string, where: string) => (where.endsWith(`.${name}`) ? where : `${where}.${name}`);
  const statusOf = (status: string): TestOutcome =>
    status === "ok" ? "passed" : /^(skipped|expected failure)/.test(status) ? "skipped" : "failed";
  let pending: string | undefined;
  for (const line of lines.slice(0, ranAt)) {
    const header = /^(FAIL|ERROR): (\w+) \(([\w.]+)\)/.exec(line);
    if (header?.[2] && header[3]) {
      record(tests, idOf(header[2], header[3]), "failed");
      continue;
    }
    const test = /^(\w+) \(([\w.]+)\)(?:.*? \.\.\. (.+))?$/.exec(line);
    if (test?.[1] && test[2]) {
      if (test[3] === undefined) pending = idOf(test[1], test[2]);
      else record(tests, idOf(test[1], test[2]), statusOf(test[3]));
      continue;
    }
    const status = / \.\.\. (ok|FAIL|ERROR|skipped.*|expected failure|unexpected success)$/.exec(line);
    if (pending !== undefined && status?.[1]) record(tests, pending, statusOf(status[1]));
    pending = undefined;
  }
  const counts = { passed: Math.max(0, ran - failed - skipped), failed, skipped };
  const namesPasses = counts.passed === 0 || [...tests.values()].includes("passed");
  return { runner: "unittest", tests, counts, namesPasses };
}

// node --test: TAP (`not ok 1 - name`, `# Subtest: name` nesting, `# pass 2`) on Node 20 without a TTY, the
// spec reporter (`✔ name (1ms)`, `▶ suite`, `ℹ pass 2`) on Node 23+. A suite or a test with subtests is a
// container, not a test; ids join the names of their containers with " > ".
function readNodeTest(lines: string[]): TestReport | undefined {
  const totals = new Map<string, number>();
  for (const line of lines) {
    const total = /^[#ℹ] (tests|pass|fail|cancelled|skipped|todo) (\d+)$/.exec(line);
    if (total?.[1]) totals.set(total[1], Number(total[2]));
  }
  if (!totals.has("tests") || !totals.has("pass")) return undefined;
  const tests = new Map<string, TestOutcome>();
  const open: Array<{ indent: number; name: string; children: number }> = [];
  const path = (indent: number, name: string) =>
    [...open.filter((frame) => frame.indent < indent).map((frame) => frame.name), name].join(" > ");
  const finish = (indent: number, name: string, outcome: TestOutcome) => {
    const frameAt = open.findLastIndex((frame) => frame.indent === indent && frame.name === name);
    const frame = frameAt === -1 ? undefined : open[frameAt];
    if (frame && frameAt !== -1) open.splice(frameAt);
    const parent = open.findLast((f) => f.indent < indent);
    if (parent) parent.children++;
    if (frame === undefined || frame.children === 0) record(tests, path(indent, name), outcome);
  };
  for (const line of lines) {
    if (/^✖ failing tests:$/.test(line)) break; // the spec reporter repeats failures there, without their suites
    const indent = line.length - line.trimStart().length;
    const body = line.trimStart();
    const subtest = /^# Subtest: (.+)$/.exec(body);
    const started = /^▶ (.+?)$/.exec(body);
    const opened =
      subtest?.[1] ?? (started?.[1] && !/\([\d.]+m?s\)$/.test(started[1]) ? started[1] : undefined);
    if (opened !== undefined) {
      const sibling = open.findIndex((frame) => frame.indent >= indent);
      if (sibling !== -1) open.splice(sibling);
      open.push({ indent, name: opened, children: 0 });
      continue;
    }
    const tap = /^(not ok|ok) \d+ - (.+?)(?: # (SKIP|TODO)\b.*)?$/.exec(body);
    if (tap?.[1] && tap[2]) {
      finish(indent, tap[2], tap[3] ? "skipped" : tap[1] === "ok" ? "passed" : "failed");
      continue;
    }
    const spec = /^(✔|✖|﹣|▶) (.+?)(?: \([\d.]+m?s\))?(?: # (SKIP|TODO)\b.*)?$/.exec(body);
    if (spec?.[1] && spec[2]) {
      const outcome = spec[3] || spec[1] === "﹣" ? "skipped" : spec[1] === "✖" ? "failed" : "passed";
      finish(indent, spec[2], outcome);
    }
  }
  const get = (name: string) => totals.get(name) ?? 0;
  const counts = {
    passed: get("pass"),
    failed: get("fail") + get("cancelled"),
    skipped: get("skipped") + get("todo"),
  };
  return { runner: "node-test", tests, counts, namesPasses: true };
}

// vitest: `Tests  2 failed | 3 passed | 1 skipped (6)`; every failure as `FAIL  file > suite > test` (a file
// that failed to load as `FAIL  file [ file ]`); passing tests by id only with --reporter=verbose
// (`✓ file > test 1ms`).
function readVitest(lines: string[]): TestReport | undefined {
  const summary = lines.findLast((line) => /^\s*Tests\s+.*\(\d+\)\s*$|^\s*Tests\s+no tests\s*$/.test(line));
  const files = lines.findLast((line) => /^\s*Test Files\s+/.test(line));
  if (summary === undefined && files === undefined) return undefined;
  const tests = new Map<string, TestOutcome>();
  for (const line of lines) {
    const failure = /^\s*FAIL\s+(.+?)(?:\s+\[ .+ \])?\s*$/.exec(line);
    if (failure?.[1]) {
      record(tests, failure[1], "failed");
      continue;
    }
    const verbose = /^\s*(✓|×|↓) (\S+ > .+?)(?: \d+(?:\.\d+)?m?s)?\s*$/.exec(line);
    if (verbose?.[1] && verbose[2]) {
      record(tests, verbose[2], verbose[1] === "✓" ? "passed" : verbose[1] === "×" ? "failed" : "skipped");
    }
  }
  const count = (word: string) => Number(new RegExp(`(\\d+) ${word}`).exec(summary ?? "")?.[1] ?? 0);
  const counted = {
    passed: count("passed"),
    failed: count("failed"),
    skipped: count("skipped") + count("todo"),
  };
  // A file that fails to load counts in "Test Files", not in "Tests": its FAIL line still makes it a failure.
  const named = countsOf(tests);
  const counts = { ...counted, failed: Math.max(counted.failed, named.failed) };
  const namesPasses = counts.passed === 0 || named.passed > 0;
  return { runner: "vitest", tests, counts, namesPasses };
}
