// The load-time rule: skills import only types (relative) and the TypeScript compiler; fs, child_process,
// the network, require, dynamic import, process and ts.sys are refused. The shipped skills pass it and type-check.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { checkSkillImports } from "../../agent/src/skills/import-check.js";
import { SkillRegistry } from "../../agent/src/skills/registry.js";
import { SHIPPED_APPROVALS } from "../../agent/src/skills/shipped-approvals.js";
import { typeCheckSkill } from "../../agent/src/skills/type-check.js";
import { repoRoot } from "../support/run-agent.js";

const messages = (source: string) => checkSkillImports(source).map((v) => `${v.line}: ${v.message}`);

describe("checkSkillImports", () => {
  it.each([
    ['import { readFileSync } from "fs";', /"fs" is refused/],
    ['import * as fs from "node:fs/promises";', /"node:fs\/promises" is refused/],
    ['import { exec } from "child_process";', /"child_process" is refused/],
    ['import http from "node:http";', /"node:http" is refused/],
    ['import net = require("net");', /import = require/],
    ['export { connect } from "node:net";', /"node:net" is refused/],
    ['const m = await import("node:fs");', /dynamic import/],
    ['const cp = require("child_process");', /"require" is refused/],
    ["process.binding('fs');", /"process" is refused/],
    ['await fetch("http://example.com");', /"fetch" is refused/],
    ['globalThis["process"];', /"globalThis" is refused/],
    ['eval("1");', /"eval" is refused/],
    ['new Function("return 1")();', /"Function" is refused/],
    ["const u = import.meta.url;", /import.meta/],
    ['import ts from "typescript";\nts.sys.writeFile("x", "y");', /"\.sys" is refused/],
    ['import ts from "typescript";\nts["sys"];', /\["sys"\] is refused/],
    ['import { sys } from "typescript";', /importing "sys" is refused/],
    ['import type { X } from "node:fs";', /type-only imports must be relative/],
    ['import { helper } from "./helper.js";', /"\.\/helper\.js" is refused/],
  ])("refuses %s", (source, message) => {
    expect(messages(source).join("\n")).toMatch(message);
  });

  it("allows type-only relative imports, the compiler, and names that only look like globals", () => {
    const source = [
      'import type { SkillContext } from "../skill-api.js";',
      'import { type SkillArgs } from "../skill-api.js";',
      'import ts from "typescript";',
      "const o = { process: 1, require: 2 };",
      "o.process + o.require;",
      "class A { eval() { return 1; } }",
      "ts.createSourceFile('a.ts', '', ts.ScriptTarget.ES2022);",
    ].join("\n");
    expect(messages(source)).toEqual([]);
  });

  it("reports the line of each violation", () => {
    expect(checkSkillImports('const a = 1;\n\nimport("fs");\n')).toEqual([
      { line: 3, message: "dynamic import() is refused; skills get everything through ctx." },
    ]);
  });
});

describe("the shipped skills", () => {
  const names = readdirSync(join(repoRoot, "skills"), { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name);

  it("include the reference skills", () => {
    expect(names).toEqual(
      expect.arrayContaining([
        "bug_fix",
        "create_skill",
        "doc_sync",
        "generate_playbook",
        "hello",
        "refactor_extract_function",
        "scaffold_project",
      ]),
    );
  });

  it.each(names)("%s passes the import rule and the strict type check", (name) => {
    const file = join(repoRoot, "skills", name, "skill.ts");
    expect(checkSkillImports(readFileSync(file, "utf8"))).toEqual([]);
    expect(typeCheckSkill(file)).toEqual([]);
  });

  it("are approved by the pins shipped in the agent's code at their current content, with no ledger", () => {
    const registry = new SkillRegistry({
      dir: join(repoRoot, "skills"),
      ledgerPath: join(repoRoot, "no-such-dir", "skill-approvals.json"),
    });
    const entries = registry.scan();
    const states = Object.fromEntries(entries.map((e) => [e.name, e.state.kind]));
    // After reviewing an edited shipped skill, put its new hash in agent/src/skills/shipped-approvals.ts.
    const hashes = entries.map((e) => `${e.name}: ${e.hash}`).join("\n");
    expect(states, `current hashes:\n${hashes}`).toEqual(
      Object.fromEntries(names.map((name) => [name, "approved"])),
    );
    expect(Object.keys(SHIPPED_APPROVALS).sort()).toEqual([...names].sort());
  });

  it("ship skill-api.d.ts as an exact copy of the agent's skill API types", () => {
    expect(readFileSync(join(repoRoot, "skills", "skill-api.d.ts"), "utf8")).toBe(
      readFileSync(join(repoRoot, "agent", "src", "skills", "skill-api.ts"), "utf8"),
    );
  });

  it("type check catches a skill that reaches for process", () => {
    const errors = typeCheckSkill(join(repoRoot, "test", "skills", "support", "uses-process.ts"));
    expect(errors.join("\n")).toMatch(/Cannot find name 'process'/);
  });
});
