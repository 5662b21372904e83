// refactor_extract_function end to end on sample projects over the real toolhost: a TypeScript extraction by
// the compiler API that keeps the tests green, refusals with reasons, and the Python path through the LLM.
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { repoRoot } from "../support/run-agent.js";
import { type SkillHarness, startSkillHarness } from "./support/skill-harness.js";

// Each test runs a skill program and a real test runner in the workspace, often twice (before and after a
// patch): seconds on an idle machine, tens of seconds on a busy shared one. A budget, not a speed assertion.
vi.setConfig({ testTimeout: 120_000, hookTimeout: 120_000 });

let h: SkillHarness;
beforeAll(async () => {
  h = await startSkillHarness({ skills: ["refactor_extract_function"] });
});
afterEach(() => {
  expect(h.llm.pending).toBe(0);
  h.reset();
});
afterAll(async () => {
  await h.close();
});

const REPORT_TS = [
  "export function report(items: number[], label: string): string {",
  "  const scale = 1;",
  "  const total = items.reduce((a, b) => a + b, 0) * scale;",
  "  const mean = total / items.length;",
  '  const text = label + ": " + mean.toFixed(2);',
  "  return text;",
  "}",
  "",
].join("\n");

function typescriptProject(): void {
  const tsx = join(repoRoot, "node_modules", "tsx", "dist", "esm", "index.mjs");
  mkdirSync(join(h.workspace, "src"));
  mkdirSync(join(h.workspace, "test"));
  writeFileSync(join(h.workspace, "src", "report.ts"), REPORT_TS);
  writeFileSync(
    join(h.workspace, "package.json"),
    JSON.stringify({
      name: "s",
      private: true,
      type: "module",
      scripts: { test: `node --import ${tsx} --test test/report.test.ts` },
    }),
  );
  writeFileSync(
    join(h.workspace, "test", "report.test.ts"),
    'import assert from "node:assert/strict";\nimport { test } from "node:test";\nimport { report } from "../src/report.ts";\n' +
      'test("report", () => assert.equal(report([1, 2, 3, 4], "avg"), "avg: 2.50"));\n',
  );
}

describe("refactor_extract_function on TypeScript", () => {
  it("extracts the lines with parameters and a returned variable, and keeps it because the tests pass", async () => {
    typescriptProject();
    const outcome = await h.run(
      "refactor_extract_function",
      "file:src/report.ts start:3 end:4 name:computeMean",
    );
    expect(outcome.text).toMatch(/the tests pass \(npm test: [1-9]\d* passed\)/);
    expect(outcome.ok).toBe(true);
    expect(readFileSync(join(h.workspace, "src", "report.ts"), "utf8")).toBe(
      [
        "export function report(items: number[], label: string): string {",
        "  const scale = 1;",
        "  const mean = computeMean(items, scale);",
        '  const text = label + ": " + mean.toFixed(2);',
        "  return text;",
        "}",
        "",
        "function computeMean(items: number[], scale: number) {",
        "  const total = items.reduce((a, b) => a + b, 0) * scale;",
        "  const mean = total / items.length;",
        "  return mean;",
        "}",
        "",
      ].join("\n"),
    );
    expect(h.llm.requests).toEqual([]);
  });

  it("refuses ranges it cannot extract safely, saying why, and changes nothing", async () => {
    typescriptProject();
    const cases: Array<[string, RegExp]> = [
      ["start:5 end:6 name:f", /return statement/],
      ["start:3 end:3 name:report", /"report" is already declared/],
      ["start:1 end:3 name:f", /not whole statements of one block/],
    ];
    for (const [line, reason] of cases) {
      const outcome = await h.run("refactor_extract_function", `file:src/report.ts ${line}`);
      expect(outcome).toMatchObject({ ok: false, text: expect.stringMatching(reason) });
    }
    expect(readFileSync(join(h.workspace, "src", "report.ts"), "utf8")).toBe(REPORT_TS);
  });

  it("shows the extraction in a dry run and writes nothing", async () => {
    typescriptProject();
    const outcome = await h.run(
      "refactor_extract_function",
      "file:src/report.ts start:3 end:4 name:computeMean dry_run:true",
    );
    expect(outcome.text).toContain("+function computeMean(items: number[], scale: number) {");
    expect(readFileSync(join(h.workspace, "src", "report.ts"), "utf8")).toBe(REPORT_TS);
  });
});

describe("refactor_extract_function on Python", () => {
  // CRLF and no final newline: only a byte-exact restore gives these bytes back.
  const STATS_PY =
    'def summary(values):\r\n    total = sum(values)\r\n    mean = total / len(values)\r\n    return f"mean={mean}"';
  const TEST_PY =
    'import unittest\nfrom stats import summary\n\nclass T(unittest.TestCase):\n    def test_summary(self):\n        self.assertEqual(summary([1, 3]), "mean=2.0")\n';
  const EXTRACTED =
    'def mean_of(values):\n    total = sum(values)\n    return total / len(values)\n\n\ndef summary(values):\n    mean = mean_of(values)\n    return f"mean={mean}"\n';

  function pythonProject(): void {
    writeFileSync(join(h.workspace, "stats.py"), STATS_PY);
    writeFileSync(join(h.workspace, "test_stats.py"), TEST_PY);
  }

  it("applies the model's rewrite when the tests pass, never overwriting the existing test file", async () => {
    pythonProject();
    h.llm.enqueue({
      toolCalls: [
        { name: "write_file", arguments: { path: "stats.py", content: EXTRACTED } },
        { name: "write_file", arguments: { path: "test_stats.py", content: "# wiped\n" } },
      ],
    });
    const outcome = await h.run(
      "refactor_extract_function",
      'file:stats.py start:2 end:3 name:mean_of test:"python3 -m unittest"',
    );
    expect(outcome.ok).toBe(true);
    expect(readFileSync(join(h.workspace, "stats.py"), "utf8")).toBe(EXTRACTED);
    expect(readFileSync(join(h.workspace, "test_stats.py"), "utf8")).toBe(TEST_PY);
    expect(h.llm.requests[0]?.body.messages.at(-1)?.content).toContain("    2      total = sum(values)");
  });

  it("restores the file byte for byte when the rewrite breaks the tests", async () => {
    pythonProject();
    h.llm.enqueue({
      toolCalls: [
        {
          name: "write_file",
          arguments: { path: "stats.py", content: EXTRACTED.replace("len(values)", "2 * len(values)") },
        },
      ],
    });
    const outcome = await h.run(
      "refactor_extract_function",
      'file:stats.py start:2 end:3 name:mean_of test:"python3 -m unittest"',
    );
    expect(outcome).toMatchObject({
      ok: false,
      text: expect.stringMatching(/The tests fail after the extraction/),
    });
    expect(readFileSync(join(h.workspace, "stats.py"))).toEqual(Buffer.from(STATS_PY));
  });

  it("does not count 0 tests as passing: restores the file when the command finds no test", async () => {
    pythonProject();
    writeFileSync(join(h.workspace, "test_stats.py"), "def test_summary():\n    assert True\n");
    h.llm.enqueue({
      toolCalls: [{ name: "write_file", arguments: { path: "stats.py", content: EXTRACTED } }],
    });
    const outcome = await h.run(
      "refactor_extract_function",
      'file:stats.py start:2 end:3 name:mean_of test:"python3 -m unittest discover -v"',
    );
    expect(outcome.ok).toBe(false);
    expect(outcome.text).toMatch(
      /^Nothing proves the behaviour is kept: 0 tests ran \(python3 -m unittest discover -v\)/,
    );
    expect(readFileSync(join(h.workspace, "stats.py"))).toEqual(Buffer.from(STATS_PY));
  });
});
