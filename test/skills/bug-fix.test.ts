// bug_fix end to end over the real toolhost and the scripted LLM: a patch whose tests pass is kept, one whose
// tests fail (or that does not apply) is rolled back byte for byte, and a dry run writes nothing.
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { repoRoot } from "../support/run-agent.js";
import { type SkillHarness, startSkillHarness } from "./support/skill-harness.js";

// Each test runs a skill program and a real test runner in the workspace, often twice (before and after a
// patch): seconds on an idle machine, tens of seconds on a busy shared one. A budget, not a speed assertion.
vi.setConfig({ testTimeout: 120_000, hookTimeout: 120_000 });

let h: SkillHarness;
beforeAll(async () => {
  h = await startSkillHarness({ skills: ["bug_fix"] });
});
afterEach(() => {
  expect(h.llm.pending).toBe(0);
  h.reset();
});
afterAll(async () => {
  await h.close();
});

// No trailing newline and a tab: a rollback that went through read_file/write_file would change these bytes.
const USERS_PY = 'def display_name(u):\n\treturn u["user"]';
const TEST_PY =
  "import unittest\nfrom users import display_name\n\nclass T(unittest.TestCase):\n" +
  '    def test_name(self):\n        self.assertEqual(display_name({"username": "ada"}), "ada")\n';

function pythonProject(): void {
  writeFileSync(join(h.workspace, "users.py"), USERS_PY);
  writeFileSync(join(h.workspace, "test_users.py"), TEST_PY);
}

const editCall = (path: string, oldText: string, newText: string) => ({
  toolCalls: [{ name: "edit_file", arguments: { path, old_text: oldText, new_text: newText } }],
});

describe("bug_fix", () => {
  it("keeps a Python fix whose tests pass and reports the diff and the test outcome", async () => {
    pythonProject();
    h.llm.enqueue(editCall("users.py", 'u["user"]', 'u["username"]'));
    const outcome = await h.run(
      "bug_fix",
      `error:"KeyError: 'user'" file:users.py line:2 test:"python3 -m unittest -v"`,
    );
    expect(outcome.ok).toBe(true);
    expect(outcome.text).toContain('+\treturn u["username"]');
    expect(outcome.text).toMatch(/OK/);
    expect(readFileSync(join(h.workspace, "users.py"), "utf8")).toBe(
      'def display_name(u):\n\treturn u["username"]',
    );
    // The model saw the error and the numbered code around the line.
    const prompt = h.llm.requests[0]?.body.messages.at(-1)?.content ?? "";
    expect(prompt).toContain("KeyError: 'user'");
    expect(prompt).toContain('    2  \treturn u["user"]');
    expect(h.llm.requests[0]?.body.tools?.map((t) => t.function.name)).toEqual(["edit_file"]);
    expect(h.runs).toEqual([expect.objectContaining({ skill: "bug_fix", outcome: "ok" })]);
    expect(readdirSync(join(h.workspace, ".agent", "skill-backups"))).toEqual([]);
  });

  it("rolls a fix whose tests fail back byte for byte", async () => {
    pythonProject();
    h.llm.enqueue(editCall("users.py", 'u["user"]', 'u["name"]'));
    const outcome = await h.run(
      "bug_fix",
      `error:"KeyError: 'user'" file:users.py test:"python3 -m unittest"`,
    );
    expect(outcome.ok).toBe(false);
    expect(outcome.text).toContain("rolled back");
    expect(outcome.text).toContain("KeyError");
    expect(readFileSync(join(h.workspace, "users.py"))).toEqual(Buffer.from(USERS_PY));
    expect(h.runs[0]?.outcome).toMatch(/^failed: Not fixed: no test that failed before passes with it/);
  });

  it("rolls back the first edit when a later one does not apply", async () => {
    pythonProject();
    h.llm.enqueue({
      toolCalls: [
        {
          name: "edit_file",
          arguments: { path: "users.py", old_text: 'u["user"]', new_text: 'u["username"]' },
        },
        { name: "edit_file", arguments: { path: "users.py", old_text: "not in the file", new_text: "x" } },
      ],
    });
    const outcome = await h.run("bug_fix", `error:KeyError file:users.py test:"python3 -m unittest"`);
    expect(outcome.ok).toBe(false);
    expect(outcome.text).toContain("An edit did not apply");
    expect(readFileSync(join(h.workspace, "users.py"))).toEqual(Buffer.from(USERS_PY));
  });

  it("fixes a TypeScript project, detecting npm test from package.json", async () => {
    const tsx = join(repoRoot, "node_modules", "tsx", "dist", "esm", "index.mjs");
    mkdirSync(join(h.workspace, "src"));
    mkdirSync(join(h.workspace, "test"));
    writeFileSync(
      join(h.workspace, "package.json"),
      JSON.stringify({
        name: "sample",
        private: true,
        type: "module",
        scripts: { test: `node --import ${tsx} --test test/sum.test.ts` },
      }),
    );
    writeFileSync(
      join(h.workspace, "src", "sum.ts"),
      "export function total(items: number[]): number {\n  let sum = 1;\n  for (const item of items) sum += item;\n  return sum;\n}\n",
    );
    writeFileSync(
      join(h.workspace, "test", "sum.test.ts"),
      'import assert from "node:assert/strict";\nimport { test } from "node:test";\nimport { total } from "../src/sum.ts";\n' +
        'test("total adds", () => assert.equal(total([1, 2, 3]), 6));\n',
    );
    h.llm.enqueue(editCall("src/sum.ts", "let sum = 1;", "let sum = 0;"));
    const outcome = await h.run("bug_fix", 'error:"AssertionError: 7 !== 6" file:src/sum.ts line:2');
    expect(outcome.text).toContain("npm test");
    expect(outcome.ok).toBe(true);
    expect(readFileSync(join(h.workspace, "src", "sum.ts"), "utf8")).toContain("let sum = 0;");
  });

  it("in a dry run shows the patch and writes nothing, running no tests", async () => {
    pythonProject();
    h.llm.enqueue(editCall("users.py", 'u["user"]', 'u["username"]'));
    const outcome = await h.run("bug_fix", `error:"KeyError: 'user'" file:users.py dry_run:true`);
    expect(outcome.ok).toBe(true);
    expect(outcome.dryRun).toBe(true);
    expect(outcome.text).toContain("Dry run: nothing was written");
    expect(outcome.text).toContain('+\treturn u["username"]');
    expect(readFileSync(join(h.workspace, "users.py"))).toEqual(Buffer.from(USERS_PY));
    expect(existsSync(join(h.workspace, ".agent", "skill-backups"))).toBe(false);
    expect(h.runs[0]).toMatchObject({ args: { dry_run: true }, outcome: "ok (dry run)" });
  });

  it("changes nothing when the model proposes no edit", async () => {
    pythonProject();
    h.llm.enqueue({ text: "I am not sure what is wrong." });
    const outcome = await h.run("bug_fix", "error:KeyError file:users.py");
    expect(outcome.ok).toBe(false);
    expect(outcome.text).toContain("no edit_file call");
    expect(readFileSync(join(h.workspace, "users.py"))).toEqual(Buffer.from(USERS_PY));
  });
});
