// readTestReport over recorded real output (test/fixtures/test-output): runner, each named test with its
// outcome, and the summary's totals, for the formats the host cannot produce itself (Node 24's spec reporter)
// and the variants of each runner. The bug_fix project tests run the runners live.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readTestReport } from "../../agent/src/skills/test-report.js";
import { repoRoot } from "../support/run-agent.js";

const recorded = (name: string) =>
  readTestReport(readFileSync(join(repoRoot, "test", "fixtures", "test-output", `${name}.txt`), "utf8"));

describe("readTestReport", () => {
  it("reads pytest -v: ids with classes and parameters, skips by id", () => {
    const report = recorded("pytest-verbose");
    expect(report.runner).toBe("pytest");
    expect(Object.fromEntries(report.tests)).toEqual({
      "test_calc.py::test_add": "failed",
      "test_calc.py::test_mul": "passed",
      "test_calc.py::test_skip": "skipped",
      "test_calc.py::TestGroup::test_in_class": "passed",
      "test_calc.py::TestGroup::test_param[1]": "passed",
      "test_calc.py::TestGroup::test_param[2]": "passed",
    });
    expect(report.counts).toEqual({ passed: 4, failed: 1, skipped: 1 });
    expect(report.namesPasses).toBe(true);
  });

  it("reads unittest -v: errors as failures, skips, a docstring's status on the next line", () => {
    const report = recorded("unittest-verbose-docstring-skip");
    expect(report.runner).toBe("unittest");
    expect(Object.fromEntries(report.tests)).toEqual({
      "test_calc.T.test_add": "failed",
      "test_calc.T.test_err": "failed",
      "test_calc.T.test_skip": "skipped",
      "test_calc.T.test_zero": "passed",
    });
    expect(report.counts).toEqual({ passed: 1, failed: 2, skipped: 1 });
  });

  it("reads node --test as TAP (Node 20) and as the spec reporter (Node 24) alike, suites as containers", () => {
    const expected = {
      "total adds": "failed",
      "max picks": "passed",
      later: "skipped",
      "suite > nested ok": "passed",
      "suite > nested bad": "failed",
    };
    for (const name of ["node20-tap-suite-skip", "node24-spec-suite-skip"]) {
      const report = recorded(name);
      expect(report.runner, name).toBe("node-test");
      expect(Object.fromEntries(report.tests), name).toEqual(expected);
      expect(report.counts, name).toEqual({ passed: 2, failed: 2, skipped: 1 });
    }
    // The spec reporter repeats failures at the end without their suite: they are not new tests.
    expect(Object.fromEntries(recorded("node24-spec-node-test-stats").tests)).toEqual({
      "mean > averages the values": "failed",
      "median > takes the middle value": "passed",
      "median > averages the two middle values": "passed",
    });
  });

  it("reads vitest: failures by id (colour codes removed), passes by id only when verbose", () => {
    const plain = recorded("vitest-default-colour");
    expect(plain.runner).toBe("vitest");
    expect(Object.fromEntries(plain.tests)).toEqual({
      "test/sum.test.js > total adds": "failed",
      "test/sum.test.js > suite > nested bad": "failed",
    });
    expect(plain.counts).toEqual({ passed: 3, failed: 2, skipped: 1 });
    expect(plain.namesPasses).toBe(false);
    const verbose = recorded("vitest-verbose-slug");
    expect(Object.fromEntries(verbose.tests)).toEqual({
      "test/slug.test.js > slug > lowercases and joins words with dashes": "failed",
      "test/slug.test.js > slug > drops punctuation at the ends": "passed",
      "test/slug.test.js > words > counts words": "passed",
    });
    expect(verbose.namesPasses).toBe(true);
  });

  it("says unknown for output of no runner it knows, rather than guessing", () => {
    const report = readTestReport("> untested@1.0.0 test\n> echo 'Error: no test specified' && exit 1\n");
    expect(report).toMatchObject({ runner: "unknown", counts: { passed: 0, failed: 0, skipped: 0 } });
  });
});
