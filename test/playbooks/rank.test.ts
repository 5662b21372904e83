// Playbook ranking on a small fixed corpus: BM25 over name, keywords, description and body, stop words and
// short tokens ignored; and the selection (threshold, relative cut, count, character budget) on real files.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { type RankDocument, rankDocuments, stem, tokenize } from "../../agent/src/playbooks/rank.js";
import { PlaybookRegistry } from "../../agent/src/playbooks/registry.js";
import { repoRoot } from "../support/repo-root.js";

const corpus: RankDocument[] = [
  {
    id: "py",
    name: "Python tests",
    keywords: ["pytest", "fixture"],
    description: "Testing Python code.",
    body: "Run pytest -q. Use tmp_path.",
  },
  {
    id: "js",
    name: "TypeScript tests",
    keywords: ["vitest", "jest"],
    description: "Testing TypeScript code.",
    body: "Run npx vitest run.",
  },
  {
    id: "dbg",
    name: "Debugging",
    keywords: ["traceback", "exception", "crash"],
    description: "Find the cause of an error.",
    body: "Reproduce, read the stack trace, fix the cause. Run the tests.",
  },
  {
    id: "git",
    name: "Git history",
    keywords: ["rebase", "bisect"],
    description: "Rewrite or search history.",
    body: "Use git bisect to find a regression.",
  },
];
const ids = (query: string) => rankDocuments(query, corpus).map((r) => r.id);

describe("tokenize", () => {
  it("drops stop words and tokens under three characters, and stems plurals and -ing/-ed", () => {
    expect(tokenize("Can you please fix the failing tests in a.py by debugging it?")).toEqual([
      "fix",
      "fail",
      "test",
      "debug",
    ]);
    expect(["classes", "tested", "running", "crashes"].map(stem)).toEqual(["class", "test", "run", "crash"]);
  });
});

describe("rankDocuments", () => {
  it("ranks the document whose name and keywords match above ones that mention the word in the body", () => {
    expect(ids("my pytest fixture is broken")[0]).toBe("py");
    expect(ids("vitest mock")[0]).toBe("js");
    expect(ids("this exception traceback")[0]).toBe("dbg");
    expect(ids("git bisect a regression")[0]).toBe("git");
  });

  it("matches nothing for a prompt of stop words and short tokens", () => {
    expect(ids("can you do it for me please, ok? a b c")).toEqual([]);
    expect(ids("")).toEqual([]);
  });

  it("gives a word found in every document less weight than a rare one", () => {
    const scores = Object.fromEntries(rankDocuments("run bisect", corpus).map((r) => [r.id, r.score]));
    expect(scores.git).toBeGreaterThan(scores.py ?? 0);
  });
});

describe("PlaybookRegistry", () => {
  let dir: string | undefined;
  afterEach(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  function write(path: string, name: string, keywords: string, body: string): void {
    mkdirSync(join(dir as string, path, ".."), { recursive: true });
    writeFileSync(
      join(dir as string, path),
      `---\nname: ${name}\ndescription: About ${name}.\nkeywords: ${keywords}\n---\n${body}\n`,
    );
  }

  it("lists playbooks by category, invalid ones with their error, and re-reads edits", () => {
    dir = mkdtempSync(join(tmpdir(), "playbooks-"));
    write("testing/pytest.md", "Pytest", "pytest, fixture", "Use fixtures.");
    mkdirSync(join(dir, "broken"));
    writeFileSync(join(dir, "broken", "bad.md"), "no front matter\n");
    writeFileSync(join(dir, "testing", "notes.txt"), "ignored");
    const registry = new PlaybookRegistry(dir);
    expect(registry.list()).toEqual([
      {
        kind: "invalid",
        id: "broken/bad",
        category: "broken",
        error: expect.stringMatching(/must start with YAML front matter/),
      },
      {
        kind: "valid",
        id: "testing/pytest",
        category: "testing",
        name: "Pytest",
        description: "About Pytest.",
        keywords: ["pytest", "fixture"],
        body: "Use fixtures.",
      },
    ]);
    write("testing/pytest.md", "Pytest", "pytest", "Changed.");
    expect(registry.list()[1]).toMatchObject({ body: "Changed." });
  });

  it("adds the best playbooks above the threshold, at most the given count, within the character budget", () => {
    dir = mkdtempSync(join(tmpdir(), "playbooks-"));
    write("testing/pytest.md", "Pytest", "pytest, fixture, python", "Use fixtures and tmp_path.");
    write("testing/pytest-extra.md", "Pytest extras", "pytest, plugin, python", "z".repeat(500));
    write("git/bisect.md", "Bisect", "bisect, regression", "Use git bisect.");
    const registry = new PlaybookRegistry(dir, {
      maxPlaybooks: 2,
      minScore: 0.5,
      minRelativeScore: 0,
      charBudget: 300,
    });
    const selection = registry.select("write a pytest fixture for the python parser");
    expect(selection.chosen.map((c) => c.id)).toEqual(["testing/pytest"]);
    expect(selection.section).toMatch(/^## Playbooks for this request\n/);
    expect(selection.section).toContain("### Pytest (testing/pytest)\nUse fixtures and tmp_path.");
    expect(selection.section).not.toContain("zzzz");
    expect(registry.select("what is the weather").chosen).toEqual([]);
    expect(registry.select("what is the weather").section).toBe("");
    // Over budget on its own, the best match is cut rather than dropped.
    const tight = new PlaybookRegistry(dir, { minScore: 0.5, charBudget: 120 }).select(
      "pytest plugin extras",
    );
    expect(tight.chosen.map((c) => c.id)).toEqual(["testing/pytest-extra"]);
    expect(tight.section).toContain("[playbook cut to fit the budget]");
  });

  it("routes typical prompts to the shipped playbooks, and ordinary chat to none", () => {
    const registry = new PlaybookRegistry(join(repoRoot, "playbooks"));
    expect(registry.list().filter((p) => p.kind === "invalid")).toEqual([]);
    const top = (prompt: string) => registry.select(prompt).chosen[0]?.id;
    expect(top("Fix the KeyError: 'user' traceback in app.py")).toBe("debugging/failing-code");
    expect(top("write pytest tests for the parser")).toBe("testing/pytest");
    expect(top("add vitest tests for utils.ts")).toBe("testing/vitest");
    expect(top("extract this long function into smaller ones")).toBe("refactoring/refactoring");
    expect(top("design a new module for invoices")).toBe("design/software-design");
    expect(top("the test is flaky and times out sometimes")).toBe("debugging/flaky-tests");
    expect(registry.select("what time is it").chosen).toEqual([]);
    expect(registry.select("hello, how are you?").chosen).toEqual([]);
  });
});
