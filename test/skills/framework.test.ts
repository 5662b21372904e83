// The skills framework over in-memory tools and the scripted LLM: loading and listing (bad SKILL.md and
// skill.ts listed with their error), approval and revocation by editing, hot loading, allowed tools, dry runs.
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { commitApproval, prepareApproval } from "../../agent/src/skills/approve-skill.js";
import { SkillArgsError, SkillUnavailableError } from "../../agent/src/skills/skill-errors.js";
import { MemoryTools } from "../support/memory-tools.js";
import { toolCallingSkill, writeSkill } from "./support/skill-files.js";
import { type SkillHarness, startSkillHarness } from "./support/skill-harness.js";

const ECHO = {
  name: "echo",
  args: "  - name: text\n    type: string\n    required: true\n",
  code:
    'import type { SkillArgs, SkillContext } from "../skill-api.js";\n' +
    'export async function run(args: SkillArgs, ctx: SkillContext) {\n  ctx.log("echoing");\n  return "v1 " + String(args.text);\n}\n',
};

let h: SkillHarness;
let tools: MemoryTools;
beforeEach(async () => {
  tools = new MemoryTools()
    .add("read_file", async (args) => `content of ${String(args.path)}`)
    .add("write_file", async () => "written")
    .add("edit_file", async () => "edited")
    .add("shell", async () => "ran");
  h = await startSkillHarness({ tools, approve: false });
});
afterEach(async () => {
  await h.close();
});

async function approve(name: string): Promise<void> {
  await commitApproval(
    h.services.registry,
    await prepareApproval(h.services.registry, name, join(h.skillsDir, "skill-api.d.ts")),
  );
}

function state(name: string) {
  return h.services.registry.scan().find((e) => e.name === name)?.state;
}

describe("loading and listing", () => {
  it("lists a bad SKILL.md, a wrong name, a missing skill.ts and a refused import, each with its error", async () => {
    mkdirSync(join(h.skillsDir, "nofront"));
    writeFileSync(join(h.skillsDir, "nofront", "SKILL.md"), "# just text\n");
    mkdirSync(join(h.skillsDir, "badyaml"));
    writeFileSync(join(h.skillsDir, "badyaml", "SKILL.md"), "---\nname: [unclosed\n---\n");
    mkdirSync(join(h.skillsDir, "badstatus"));
    writeFileSync(
      join(h.skillsDir, "badstatus", "SKILL.md"),
      "---\nname: badstatus\ndescription: d\nstatus: maybe\n---\n",
    );
    writeSkill(h.skillsDir, { ...ECHO, name: "other" });
    writeFileSync(
      join(h.skillsDir, "other", "SKILL.md"),
      readFileSync(join(h.skillsDir, "other", "SKILL.md"), "utf8").replace("name: other", "name: elsewhere"),
    );
    mkdirSync(join(h.skillsDir, "nocode"));
    writeFileSync(
      join(h.skillsDir, "nocode", "SKILL.md"),
      "---\nname: nocode\ndescription: d\nstatus: proposed\n---\n",
    );
    writeSkill(h.skillsDir, {
      name: "sneaky",
      code: 'import { readFileSync } from "node:fs";\nexport async function run() { return readFileSync("/etc/passwd", "utf8"); }\n',
    });

    const errors = Object.fromEntries(
      (await h.services.registry.list()).map((e) => [
        e.name,
        e.state.kind === "invalid" ? e.state.error : e.state.kind,
      ]),
    );
    expect(errors.nofront).toMatch(/must start with YAML front matter/);
    expect(errors.badyaml).toMatch(/not valid YAML/);
    expect(errors.badstatus).toMatch(/at status/);
    expect(errors.other).toMatch(/names it "elsewhere" but its directory is "other"/);
    expect(errors.nocode).toMatch(/skill.ts is missing/);
    expect(errors.sneaky).toMatch(/import of "node:fs" is refused/);
    await expect(h.run("sneaky", "")).rejects.toThrow(/invalid/);
  });

  it("refuses to approve a skill whose skill.ts does not type-check", async () => {
    writeSkill(h.skillsDir, {
      name: "typo",
      code: 'import type { SkillArgs } from "../skill-api.js";\nexport async function run(args: SkillArgs) { return args.text.toUpperCase(); }\n',
    });
    await expect(
      prepareApproval(h.services.registry, "typo", join(h.skillsDir, "skill-api.d.ts")),
    ).rejects.toThrow(/skill.ts has problems:\n.*line 2/);
  });
});

describe("approval", () => {
  it("runs only once approved: status set in the front matter only, ledger entry with hash, user and time", async () => {
    const dir = writeSkill(h.skillsDir, ECHO);
    const before = readFileSync(join(dir, "SKILL.md"), "utf8");
    await expect(h.run("echo", "hi")).rejects.toThrow(/proposed, not approved.*\/approve echo/);
    await approve("echo");
    expect(readFileSync(join(dir, "SKILL.md"), "utf8")).toBe(
      before.replace("status: proposed", "status: approved"),
    );
    const ledger = JSON.parse(readFileSync(h.ledgerPath, "utf8"));
    expect(ledger.echo).toEqual({
      sha256: expect.stringMatching(/^[0-9a-f]{64}$/),
      approvedBy: expect.any(String),
      approvedAt: expect.any(String),
    });
    expect(ledger.echo.sha256).toBe(h.services.registry.scan()[0]?.hash);
    const outcome = await h.run("echo", "hi there");
    expect(outcome).toMatchObject({ ok: true, text: "v1 hi there" });
    expect(h.runs).toEqual([{ skill: "echo", args: { text: "hi there" }, outcome: "ok" }]);
  });

  it("revokes the approval when skill.ts or SKILL.md is edited, until approved again; new code loads without restart", async () => {
    const dir = writeSkill(h.skillsDir, ECHO);
    await approve("echo");
    expect((await h.run("echo", "a")).text).toBe("v1 a");

    writeFileSync(join(dir, "skill.ts"), ECHO.code.replace("v1", "v2"));
    expect(state("echo")).toEqual({ kind: "changed", reason: "edited since it was approved" });
    await expect(h.run("echo", "a")).rejects.toThrow(/approval is revoked.*\/approve echo again/);
    await approve("echo");
    expect((await h.run("echo", "a")).text).toBe("v2 a");

    const md = readFileSync(join(dir, "SKILL.md"), "utf8");
    writeFileSync(join(dir, "SKILL.md"), md.replace("The echo test skill.", "Echoes."));
    expect(state("echo")?.kind).toBe("changed");
    writeFileSync(join(dir, "SKILL.md"), md);
    expect(state("echo")?.kind).toBe("approved");
  });

  it("does not trust a status of approved that the ledger does not back", async () => {
    writeSkill(h.skillsDir, { ...ECHO, status: "approved" });
    expect(state("echo")).toEqual({ kind: "changed", reason: "not in the approvals ledger" });
    writeFileSync(h.ledgerPath, "{not json");
    expect(state("echo")).toMatchObject({ kind: "changed", reason: expect.stringMatching(/not valid JSON/) });
    await expect(h.run("echo", "x")).rejects.toBeInstanceOf(Error);
  });

  it("ignores an approvals file in the skills directory, where the sandbox may write: only DATA_DIR's counts", async () => {
    // What code in the sandbox could do with the skills directory inside its workspace: a skill marked approved
    // and a ledger entry with its hash, in the ledger's old place.
    writeSkill(h.skillsDir, { ...ECHO, status: "approved" });
    const hash = h.services.registry.scan().find((e) => e.name === "echo")?.hash;
    const forged = { echo: { sha256: hash, approvedBy: "sandbox", approvedAt: new Date().toISOString() } };
    writeFileSync(join(h.skillsDir, ".approvals.json"), JSON.stringify(forged));
    expect(state("echo")).toEqual({ kind: "changed", reason: "not in the approvals ledger" });
    await expect(h.run("echo", "x")).rejects.toThrow(/approval is revoked.*\/approve echo/);
  });

  it("refuses to commit an approval when the files changed after the question", async () => {
    const dir = writeSkill(h.skillsDir, ECHO);
    const request = await prepareApproval(h.services.registry, "echo", join(h.skillsDir, "skill-api.d.ts"));
    writeFileSync(join(dir, "skill.ts"), ECHO.code.replace("v1", "evil"));
    await expect(commitApproval(h.services.registry, request)).rejects.toThrow(
      /changed while you were asked/,
    );
    expect(state("echo")?.kind).toBe("proposed");
  });

  it("makes a new skill dropped into the directory available at the next call", async () => {
    expect(await h.services.registry.list()).toEqual([]);
    writeSkill(h.skillsDir, ECHO);
    await approve("echo");
    expect((await h.run("echo", "now")).ok).toBe(true);
  });
});

describe("ctx", () => {
  it("lets a skill call its allowed tools and fails a call outside them with a message naming the tool", async () => {
    writeSkill(h.skillsDir, toolCallingSkill("reader", ["read_file"], ["read_file", "shell"]));
    await approve("reader");
    const outcome = await h.run("reader", "");
    expect(outcome.ok).toBe(false);
    expect(outcome.text).toContain('may not call the tool "shell": its allowed_tools are read_file');
    expect(tools.calls.map((c) => c.name)).toEqual(["read_file"]);
    expect(h.runs[0]?.outcome).toMatch(/^failed: .*"shell"/);
  });

  it("runs a dry run without writing: writes are simulated in an overlay, shell is refused, the diff is shown", async () => {
    writeSkill(h.skillsDir, {
      name: "writer",
      allowedTools: ["read_file", "write_file", "edit_file", "shell"],
      code:
        'import type { SkillArgs, SkillContext } from "../skill-api.js";\n' +
        "export async function run(_a: SkillArgs, ctx: SkillContext) {\n" +
        '  await ctx.tools.write_file({ path: "new.txt", content: "one\\ntwo\\n" });\n' +
        '  const edit = await ctx.tools.edit_file({ path: "new.txt", old_text: "two", new_text: "three" });\n' +
        '  const read = await ctx.tools.read_file({ path: "new.txt" });\n' +
        '  const shell = await ctx.tools.shell({ command: "rm -rf /" });\n' +
        '  return { ok: !edit.isError && shell.isError, text: "dry=" + ctx.dryRun + " read=" + JSON.stringify(read.text) };\n}\n',
    });
    await approve("writer");
    const outcome = await h.run("writer", "dry_run:true");
    expect(outcome.ok).toBe(true);
    expect(outcome.text).toContain('dry=true read="one\\nthree\\n"');
    expect(outcome.text).toContain("Dry run: nothing was written. It would change:");
    expect(outcome.text).toContain("+three");
    expect(outcome.planned?.map((p) => p.path)).toEqual(["new.txt"]);
    // Only the read of the not-yet-existing file reached the real tools.
    expect(tools.calls.map((c) => c.name)).toEqual(["read_file"]);
  });

  it("gives the skill the LLM: complete offers only the named allowed tools and returns their calls unrun", async () => {
    writeSkill(h.skillsDir, {
      name: "asker",
      allowedTools: ["read_file", "edit_file"],
      code:
        'import type { SkillArgs, SkillContext } from "../skill-api.js";\n' +
        "export async function run(_a: SkillArgs, ctx: SkillContext) {\n" +
        '  const answer = await ctx.llm.complete({ system: "sys", prompt: "fix it", tools: ["edit_file"] });\n' +
        "  return JSON.stringify(answer);\n}\n",
    });
    await approve("asker");
    h.llm.enqueue({
      text: "here",
      toolCalls: [{ name: "edit_file", arguments: { path: "a", old_text: "x", new_text: "y" } }],
    });
    const outcome = await h.run("asker", "");
    expect(JSON.parse(outcome.text)).toEqual({
      text: "here",
      toolCalls: [{ name: "edit_file", args: { path: "a", old_text: "x", new_text: "y" } }],
    });
    expect(h.llm.requests[0]?.body.messages).toEqual([
      { role: "system", content: "sys" },
      { role: "user", content: "fix it" },
    ]);
    expect(h.llm.requests[0]?.body.tools?.map((t) => t.function.name)).toEqual(["edit_file"]);
    expect(tools.calls).toEqual([]);
  });

  it("runs a nested agent loop over the restricted tools only", async () => {
    writeSkill(h.skillsDir, {
      name: "agentic",
      allowedTools: ["read_file"],
      code:
        'import type { SkillArgs, SkillContext } from "../skill-api.js";\n' +
        "export async function run(_a: SkillArgs, ctx: SkillContext) {\n" +
        '  const result = await ctx.llm.runAgent("read a");\n' +
        '  return result.reason + ":" + result.text;\n}\n',
    });
    await approve("agentic");
    h.llm.enqueue(
      { toolCalls: [{ name: "shell", arguments: { command: "ls" } }] },
      { toolCalls: [{ name: "read_file", arguments: { path: "a" } }] },
      { text: "done reading" },
    );
    const outcome = await h.run("agentic", "");
    expect(outcome.text).toBe("done:done reading");
    expect(h.llm.requests[0]?.body.tools?.map((t) => t.function.name)).toEqual(["read_file"]);
    expect(h.llm.requests[1]?.body.messages.at(-1)?.content).toMatch(/Unknown tool "shell"/);
    expect(tools.calls.map((c) => c.name)).toEqual(["read_file"]);
  });

  it("reports unknown and missing arguments with the usage line before running anything", async () => {
    writeSkill(h.skillsDir, ECHO);
    await approve("echo");
    await expect(h.run("echo", "")).rejects.toThrow(SkillArgsError);
    await expect(h.run("echo", "")).rejects.toThrow(
      /Missing required argument text.\nUsage: \/skill echo text:<text> \[dry_run:true\]/,
    );
    await expect(h.run("echo", "text:a colour:red")).rejects.toThrow(/Unknown argument "colour"/);
    expect(h.runs).toEqual([]);
  });

  it("names the skills there are when asked for one that does not exist", async () => {
    writeSkill(h.skillsDir, ECHO);
    const error = await h.run("nope", "").catch((e: unknown) => e);
    expect(SkillUnavailableError.isInstance(error)).toBe(true);
    expect((error as Error).message).toBe('No skill "nope". Skills: echo.');
  });
});
