// The reference skills end to end on sample projects in a temp workspace served by the real toolhost, with the
// scripted LLM standing in for the model: hello, scaffold_project, generate_playbook, create_skill, doc_sync.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { parsePlaybookMd } from "../../agent/src/playbooks/playbook-md.js";
import { type SkillHarness, startSkillHarness } from "./support/skill-harness.js";

let h: SkillHarness;
beforeAll(async () => {
  h = await startSkillHarness({
    skills: ["hello", "scaffold_project", "generate_playbook", "create_skill", "doc_sync"],
  });
});
afterEach(() => {
  expect(h.llm.pending).toBe(0);
  h.reset();
});
afterAll(async () => {
  await h.close();
});

describe("hello", () => {
  it("echoes its positional text and typed arguments", async () => {
    const outcome = await h.run("hello", '"hi there: you" times:2');
    expect(outcome).toMatchObject({ ok: true, dryRun: false });
    expect(outcome.text).toBe('hi there: you\nhi there: you\n(args: {"text":"hi there: you","times":2})');
    expect(h.runs).toEqual([{ skill: "hello", args: { text: "hi there: you", times: 2 }, outcome: "ok" }]);
  });
});

describe("scaffold_project", () => {
  it("creates a Node project whose test command passes", async () => {
    const outcome = await h.run("scaffold_project", "name:demo-app type:node");
    expect(outcome.text).toContain("npm test → passes");
    expect(outcome.ok).toBe(true);
    expect(JSON.parse(readFileSync(join(h.workspace, "demo-app", "package.json"), "utf8")).scripts.test).toBe(
      "node --test",
    );
  });

  it("creates a Python project whose test command passes, and refuses to write over it without --overwrite", async () => {
    const outcome = await h.run("scaffold_project", "name:demo_py type:python");
    expect(outcome.text).toContain("python3 -m unittest discover -s tests -t . → passes");
    expect(existsSync(join(h.workspace, "demo_py", "tests", "test_demo_py.py"))).toBe(true);
    const again = await h.run("scaffold_project", "name:demo_py type:python");
    expect(again).toMatchObject({
      ok: false,
      text: "demo_py/ already exists; pass --overwrite to write the scaffold into it.",
    });
    expect((await h.run("scaffold_project", "name:demo_py type:python --overwrite")).ok).toBe(true);
  });

  it("writes nothing in a dry run and refuses an unknown type with the usage line", async () => {
    const outcome = await h.run("scaffold_project", "name:dry type:node dry_run:true");
    expect(outcome.text).toContain("+++ b/dry/package.json");
    expect(existsSync(join(h.workspace, "dry"))).toBe(false);
    await expect(h.run("scaffold_project", "name:x type:ruby")).rejects.toThrow(
      /type must be one of node, python.*\nUsage: \/skill scaffold_project/,
    );
  });
});

describe("generate_playbook", () => {
  it("writes a playbook with valid front matter under playbooks/<category>/", async () => {
    h.llm.enqueue({ text: "1. Reproduce the leak.\n2. Take two heap snapshots." });
    const outcome = await h.run(
      "generate_playbook",
      'category:performance description:"Finding memory leaks in Node services" keywords:heap,leak',
    );
    expect(outcome.ok).toBe(true);
    const file = join(h.playbooksDir, "performance", "finding-memory-leaks-in-node-services.md");
    const playbook = parsePlaybookMd(readFileSync(file, "utf8"));
    expect(playbook).toEqual({
      name: "Finding memory leaks in Node services",
      description: "Finding memory leaks in Node services",
      keywords: ["heap", "leak"],
      body: "1. Reproduce the leak.\n2. Take two heap snapshots.",
    });
    expect(h.services.playbooks.list().map((p) => p.id)).toEqual([
      "performance/finding-memory-leaks-in-node-services",
    ]);
  });

  it("refuses path separators in the category and an existing file without --overwrite", async () => {
    for (const category of ["../etc", "a/b", "a\\\\b"]) {
      const outcome = await h.run("generate_playbook", `category:"${category}" description:x`);
      expect(outcome).toMatchObject({ ok: false, text: expect.stringMatching(/Invalid category/) });
    }
    h.llm.enqueue({ text: "First body." }, { text: "Second body." }, { text: "Third body." });
    expect((await h.run("generate_playbook", 'category:ops description:"Rolling restarts"')).ok).toBe(true);
    const again = await h.run("generate_playbook", 'category:ops description:"Rolling restarts"');
    expect(again).toMatchObject({ ok: false, text: expect.stringMatching(/exists; pass --overwrite/) });
    const file = join(h.playbooksDir, "ops", "rolling-restarts.md");
    expect(readFileSync(file, "utf8")).toContain("First body.");
    expect(
      (await h.run("generate_playbook", 'category:ops description:"Rolling restarts" --overwrite')).ok,
    ).toBe(true);
    expect(readFileSync(file, "utf8")).toContain("Third body.");
  });
});

describe("create_skill", () => {
  const spec =
    "---\nname: shout\ndescription: Upper-cases text.\nstatus: approved\nallowed_tools: []\nargs:\n  - { name: text, required: true }\n---\nReturns the text in capitals.\n";
  const good =
    '```ts\nimport type { SkillArgs, SkillContext, SkillResult } from "../skill-api.js";\n\nexport async function run(args: SkillArgs, _ctx: SkillContext): Promise<SkillResult> {\n  return { ok: true, text: String(args.text).toUpperCase() };\n}\n```';
  const bad =
    '```ts\nimport { readFileSync } from "node:fs";\nexport async function run() { return readFileSync("x", "utf8"); }\n```';

  it("writes a skill.ts that validates, retrying once with the errors, and leaves the skill proposed", async () => {
    writeSkillMd("shout", spec);
    h.llm.enqueue({ text: bad }, { text: `Fixed:\n${good}` });
    const outcome = await h.run("create_skill", "shout");
    expect(outcome.text).toContain("it passes the import rules and the type check. It is proposed");
    expect(h.llm.requests.at(-1)?.body.messages.at(-1)?.content).toContain('import of "node:fs" is refused');
    const entry = await h.services.registry.get("shout");
    expect(entry?.state.kind).toBe("proposed");
    expect(entry?.skillMd).toContain("status: proposed");
    await expect(h.run("shout", "hey")).rejects.toThrow(/proposed, not approved/);
    // Never overwrites without --overwrite.
    expect(await h.run("create_skill", "shout")).toMatchObject({
      ok: false,
      text: "skills/shout/skill.ts exists; pass --overwrite to replace it.",
    });
  });

  it("reports a skill.ts that still fails validation after the retry", async () => {
    writeSkillMd("broken", spec.replace(/shout/g, "broken"));
    h.llm.enqueue({ text: bad }, { text: "no code at all" });
    const outcome = await h.run("create_skill", "broken");
    expect(outcome).toMatchObject({ ok: false, text: expect.stringMatching(/does not validate/) });
  });

  function writeSkillMd(name: string, text: string): void {
    const dir = join(h.skillsDir, name);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, "SKILL.md"), text);
  }
});

describe("doc_sync", () => {
  const code = [
    "/** Adds two numbers. */",
    "export function add(a: number, b: number, c = 0): number {",
    "  return a + b + c;",
    "}",
    "/** Greets. */",
    'export const greet = (name: string): string => "hi " + name;',
    "export interface Options { verbose: boolean }",
    "function hidden() {}",
    "",
  ].join("\n");
  const docs =
    "# Math\n\nUse `add(a: number, b: number): number` to add.\n\nThe old `subtract(a: number): number` is gone.\n";

  it("rewrites stale signatures, appends undocumented exports, reports removed ones", async () => {
    writeFileSync(join(h.workspace, "math.ts"), code);
    writeFileSync(join(h.workspace, "API.md"), docs);
    const outcome = await h.run("doc_sync", "code:math.ts docs:API.md");
    expect(outcome.ok).toBe(true);
    expect(outcome.text).toContain("no longer exported (left for you to remove): subtract");
    expect(readFileSync(join(h.workspace, "API.md"), "utf8")).toBe(
      "# Math\n\nUse `add(a: number, b: number, c = 0): number` to add.\n\nThe old `subtract(a: number): number` is gone.\n\n" +
        "## API\n\n- `greet(name: string): string`: Greets.\n- `interface Options`\n",
    );
    const again = await h.run("doc_sync", "code:math.ts docs:API.md");
    expect(again.text).toMatch(/^API.md is in sync with math.ts/);
  });

  it("shows the diff in a dry run and writes nothing", async () => {
    writeFileSync(join(h.workspace, "math.ts"), code);
    writeFileSync(join(h.workspace, "API.md"), docs);
    const outcome = await h.run("doc_sync", "code:math.ts docs:API.md dry_run:true");
    expect(outcome.text).toContain("Would update API.md");
    expect(outcome.text).toContain("+Use `add(a: number, b: number, c = 0): number` to add.");
    expect(readFileSync(join(h.workspace, "API.md"), "utf8")).toBe(docs);
  });
});
