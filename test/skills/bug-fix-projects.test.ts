// bug_fix on small real buggy projects (test/fixtures/buggy-projects), each with its real test runner run by
// the real toolhost: a right patch is kept, a wrong one and one that breaks another test are rolled back byte
// for byte, and a run that shows nothing (0 tests, an unknown runner, no failing test) changes nothing.
import { cpSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
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

const projects = join(repoRoot, "test", "fixtures", "buggy-projects");

/** Copies a project into the workspace and returns a reader of its files' bytes. */
function project(name: string): (path: string) => Buffer {
  cpSync(join(projects, name), h.workspace, { recursive: true });
  return (path) => readFileSync(join(h.workspace, path));
}

const patch = (...edits: Array<[path: string, oldText: string, newText: string]>) => ({
  toolCalls: edits.map(([path, old_text, new_text]) => ({
    name: "edit_file",
    arguments: { path, old_text, new_text },
  })),
});

const CART_BUG = "subtotal * discount if discount else subtotal";

describe("bug_fix on a pytest project (plain test functions)", () => {
  it("keeps a right patch: the failing test passes and the others still do", async () => {
    const bytes = project("pytest-cart");
    h.llm.enqueue(patch(["cart.py", CART_BUG, "subtotal * (1 - discount)"]));
    const outcome = await h.run("bug_fix", 'error:"assert 15.0 == 135.0" file:cart.py line:7');
    expect(outcome.text).toContain(
      "Fixed: 1 test that failed now pass (test_cart.py::test_total_with_discount), and no test regressed.",
    );
    expect(outcome.text).toContain(
      "before: 2 passed, 1 failed; after: 3 passed, 0 failed (python3 -m pytest",
    );
    expect(outcome.ok).toBe(true);
    expect(bytes("cart.py").toString()).toContain("return round(subtotal * (1 - discount), 2)");
    // The model was shown the failing test.
    expect(h.llm.requests[0]?.body.messages.at(-1)?.content).toContain(
      "Failing tests:\ntest_cart.py::test_total_with_discount",
    );
  });

  it("rolls back a wrong patch: the failing test still fails", async () => {
    const bytes = project("pytest-cart");
    const original = bytes("cart.py");
    h.llm.enqueue(patch(["cart.py", CART_BUG, "subtotal - discount"]));
    const outcome = await h.run("bug_fix", 'error:"assert 15.0 == 135.0" file:cart.py');
    expect(outcome.ok).toBe(false);
    expect(outcome.text).toMatch(
      /^Not fixed: no test that failed before passes with it \(still failing: test_cart\.py::test_total_with_discount\)\. Every edit was rolled back\./,
    );
    expect(bytes("cart.py")).toEqual(original);
  });

  it("rolls back a patch that fixes the failing test but breaks another", async () => {
    const bytes = project("pytest-cart");
    const original = bytes("cart.py");
    h.llm.enqueue(patch(["cart.py", CART_BUG, "subtotal * (1 - discount) if discount else 0"]));
    const outcome = await h.run("bug_fix", 'error:"assert 15.0 == 135.0" file:cart.py');
    expect(outcome.ok).toBe(false);
    expect(outcome.text).toContain(
      "Not fixed: it breaks tests that did not fail before: test_cart.py::test_total_without_discount.",
    );
    expect(bytes("cart.py")).toEqual(original);
  });

  it("proves a fix from the counts when the command names only failures (pytest -q)", async () => {
    project("pytest-cart");
    h.llm.enqueue(patch(["cart.py", CART_BUG, "subtotal * (1 - discount)"]));
    const outcome = await h.run("bug_fix", 'error:"wrong total" file:cart.py test:"python3 -m pytest -q"');
    expect(outcome.text).toContain(
      "Fixed: 1 test that failed now pass (test_cart.py::test_total_with_discount)",
    );
    expect(outcome.ok).toBe(true);
  });

  it("changes nothing and asks for a reproducing test when no test fails", async () => {
    const bytes = project("pytest-cart");
    const original = bytes("cart.py");
    const asked = h.llm.requests.length;
    const outcome = await h.run(
      "bug_fix",
      'error:"wrong total" file:cart.py test:"python3 -m pytest -q -rA test_cart.py::test_shipping_is_free_from_50"',
    );
    expect(outcome.ok).toBe(false);
    expect(outcome.text).toMatch(
      /^No test fails before any change \(1 passed: python3 -m pytest .*Nothing was changed/,
    );
    expect(h.llm.requests).toHaveLength(asked); // the model was not asked
    expect(bytes("cart.py")).toEqual(original);
  });
});

describe("bug_fix on a unittest project", () => {
  it("keeps a right patch (unittest -v names every test)", async () => {
    const bytes = project("unittest-users");
    h.llm.enqueue(patch(["users.py", 'user["user"]', 'user["username"]']));
    const outcome = await h.run(
      "bug_fix",
      `error:"KeyError: 'user'" file:users.py line:5 test:"python3 -m unittest discover -v"`,
    );
    expect(outcome.text).toContain(
      "Fixed: 1 test that failed now pass (test_users.DisplayNameTest.test_title_case), and no test regressed.",
    );
    expect(outcome.ok).toBe(true);
    expect(bytes("users.py").toString()).toContain('return user["username"].title()');
  });

  it("rolls back a wrong patch (plain unittest names only failures)", async () => {
    const bytes = project("unittest-users");
    const original = bytes("users.py");
    h.llm.enqueue(patch(["users.py", 'user["user"]', 'user["name"]']));
    const outcome = await h.run(
      "bug_fix",
      `error:"KeyError: 'user'" file:users.py test:"python3 -m unittest"`,
    );
    expect(outcome.ok).toBe(false);
    expect(outcome.text).toContain("still failing: test_users.DisplayNameTest.test_title_case");
    expect(outcome.text).toContain("KeyError: 'name'");
    expect(bytes("users.py")).toEqual(original);
  });

  it("never counts 0 tests as a pass: pytest-style tests run by unittest change nothing", async () => {
    const bytes = project("pytest-style-only");
    const original = bytes("parity.py");
    const asked = h.llm.requests.length;
    const outcome = await h.run(
      "bug_fix",
      'error:"is_even(4) is False" file:parity.py test:"python3 -m unittest discover -v"',
    );
    expect(outcome.ok).toBe(false);
    expect(outcome.text).toMatch(
      /^Cannot check a fix: 0 tests ran \(python3 -m unittest discover -v\): unittest found no tests \(plain test_ functions are pytest tests: .*\)\. Nothing was changed\./,
    );
    expect(outcome.text).toContain("Ran 0 tests");
    expect(h.llm.requests).toHaveLength(asked); // the model was not asked
    expect(bytes("parity.py")).toEqual(original);
  });
});

describe("bug_fix on a Node project with node --test (npm test)", () => {
  it("keeps a right patch", async () => {
    const bytes = project("node-test-stats");
    h.llm.enqueue(patch(["src/stats.js", "sum / (values.length - 1)", "sum / values.length"]));
    const outcome = await h.run("bug_fix", 'error:"6 !== 4" file:src/stats.js');
    expect(outcome.text).toContain(
      "Fixed: 1 test that failed now pass (mean > averages the values), and no test regressed.",
    );
    expect(outcome.text).toContain("(npm test)");
    expect(outcome.ok).toBe(true);
    expect(bytes("src/stats.js").toString()).toContain("return sum / values.length;");
  });

  it("rolls back both edits of a patch that also breaks the median", async () => {
    const bytes = project("node-test-stats");
    const original = bytes("src/stats.js");
    h.llm.enqueue(
      patch(
        ["src/stats.js", "sum / (values.length - 1)", "sum / values.length"],
        ["src/stats.js", "? sorted[middle] :", "? sorted[middle + 1] :"],
      ),
    );
    const outcome = await h.run("bug_fix", 'error:"6 !== 4" file:src/stats.js');
    expect(outcome.ok).toBe(false);
    expect(outcome.text).toContain(
      "it breaks tests that did not fail before: median > takes the middle value",
    );
    expect(bytes("src/stats.js")).toEqual(original);
  });

  it("says so and changes nothing when npm test is not a test runner it can read", async () => {
    mkdirSync(join(h.workspace, "src"));
    writeFileSync(join(h.workspace, "src", "app.js"), "export const answer = 41;\n");
    writeFileSync(
      join(h.workspace, "package.json"),
      JSON.stringify({ name: "untested", scripts: { test: 'echo "Error: no test specified" && exit 1' } }),
    );
    const asked = h.llm.requests.length;
    const outcome = await h.run("bug_fix", 'error:"answer is 41" file:src/app.js');
    expect(outcome.ok).toBe(false);
    expect(outcome.text).toMatch(
      /^Cannot check a fix: the output of npm test \(exit code 1\) is not one I can read test results from; pytest, unittest, node --test and vitest are understood\. Nothing was changed\./,
    );
    expect(outcome.text).toContain("Error: no test specified");
    expect(h.llm.requests).toHaveLength(asked); // the model was not asked
  });
});

describe("bug_fix on a Node project with vitest (npm test)", () => {
  /** The project's node_modules: vitest linked from the repository's, its cache kept in the project. */
  function linkVitest(): void {
    mkdirSync(join(h.workspace, "node_modules", ".bin"), { recursive: true });
    symlinkSync(join(repoRoot, "node_modules", "vitest"), join(h.workspace, "node_modules", "vitest"));
    symlinkSync("../vitest/vitest.mjs", join(h.workspace, "node_modules", ".bin", "vitest"));
  }

  it("keeps a right patch, proved by the summary's counts (vitest names only failures)", async () => {
    const bytes = project("vitest-slug");
    linkVitest();
    h.llm.enqueue(patch(["src/slug.js", "    .trim()\n", "    .trim()\n    .toLowerCase()\n"]));
    const outcome = await h.run("bug_fix", 'error:"expected Hello-World to be hello-world" file:src/slug.js');
    expect(outcome.text).toContain(
      "Fixed: 1 test that failed now pass (test/slug.test.js > slug > lowercases and joins words with dashes)",
    );
    expect(outcome.text).toContain("before: 2 passed, 1 failed; after: 3 passed, 0 failed (npm test)");
    expect(outcome.ok).toBe(true);
    expect(bytes("src/slug.js").toString()).toContain(".toLowerCase()");
  });

  it("rolls back a patch that fixes the slug but breaks the punctuation test", async () => {
    const bytes = project("vitest-slug");
    linkVitest();
    const original = bytes("src/slug.js");
    h.llm.enqueue(patch(["src/slug.js", '    .replace(/^-|-$/g, "");', "    .toLowerCase();"]));
    const outcome = await h.run("bug_fix", 'error:"expected Hello-World to be hello-world" file:src/slug.js');
    expect(outcome.ok).toBe(false);
    expect(outcome.text).toContain(
      "it breaks tests that did not fail before: test/slug.test.js > slug > drops punctuation at the ends",
    );
    expect(bytes("src/slug.js")).toEqual(original);
  });
});
