// Skill argument parsing: key:value pairs, quotes keeping spaces and colons, flags, positional text, types,
// defaults, and the usage line for anything unknown or missing.
import { describe, expect, it } from "vitest";
import {
  coerceSkillArgs,
  parseSkillArgs,
  tokenizeSkillArgs,
  usageLine,
} from "../../agent/src/skills/args.js";
import { parseSkillMd } from "../../agent/src/skills/skill-md.js";

const { manifest } = parseSkillMd(
  [
    "---",
    "name: demo",
    "description: d",
    "status: proposed",
    "args:",
    "  - { name: error, type: string, required: true }",
    "  - { name: file, type: string }",
    "  - { name: line, type: integer }",
    "  - { name: ratio, type: number, default: 0.5 }",
    "  - { name: keywords, type: list }",
    "  - { name: kind, type: string, enum: [node, python] }",
    "  - { name: overwrite, type: boolean, default: false }",
    "---",
  ].join("\n"),
);

describe("parseSkillArgs", () => {
  it("keeps spaces, colons and inner quotes of a quoted value", () => {
    const { args } = parseSkillArgs(`error:"KeyError: 'user'" file:app.py line:12`, manifest);
    expect(args).toEqual({
      error: "KeyError: 'user'",
      file: "app.py",
      line: 12,
      ratio: 0.5,
      overwrite: false,
    });
  });

  it("accepts single quotes, escaped double quotes and a colon inside an unquoted value", () => {
    expect(parseSkillArgs("error:'a b: c' file:C:/x.py", manifest).args).toMatchObject({
      error: "a b: c",
      file: "C:/x.py",
    });
    expect(parseSkillArgs('error:"say \\"hi\\""', manifest).args.error).toBe('say "hi"');
  });

  it("fills positional text into the arguments not given by name, and the rest into the last text one", () => {
    expect(parseSkillArgs("boom", manifest).args.error).toBe("boom");
    expect(parseSkillArgs("file:a.py the whole message", manifest).args).toMatchObject({
      error: "the whole message",
      file: "a.py",
    });
    expect(parseSkillArgs("error:x a.py", manifest).args.file).toBe("a.py");
    const { manifest: one } = parseSkillMd(
      "---\nname: one\ndescription: d\nstatus: proposed\nargs:\n  - { name: text, required: true }\n---\n",
    );
    expect(parseSkillArgs("hello there world", one).args.text).toBe("hello there world");
  });

  it("treats a quoted key:value as positional text", () => {
    const { manifest: one } = parseSkillMd(
      "---\nname: one\ndescription: d\nstatus: proposed\nargs:\n  - { name: text, required: true }\n---\n",
    );
    expect(parseSkillArgs('"colour:red"', one).args.text).toBe("colour:red");
  });

  it("reads --flags, --flag=value and dry_run in both spellings", () => {
    expect(parseSkillArgs("boom --overwrite", manifest).args.overwrite).toBe(true);
    expect(parseSkillArgs("boom --overwrite=false", manifest).args.overwrite).toBe(false);
    expect(parseSkillArgs("boom dry_run:true", manifest).dryRun).toBe(true);
    expect(parseSkillArgs("boom --dry-run", manifest).dryRun).toBe(true);
    expect(parseSkillArgs("boom", manifest).dryRun).toBe(false);
  });

  it("converts lists, numbers and enums, and refuses values of the wrong type", () => {
    expect(parseSkillArgs("boom keywords:a,b,,c ratio:2.5 kind:python", manifest).args).toMatchObject({
      keywords: ["a", "b", "c"],
      ratio: 2.5,
      kind: "python",
    });
    expect(() => parseSkillArgs("boom line:twelve", manifest)).toThrow(
      /line must be a whole number, not "twelve"/,
    );
    expect(() => parseSkillArgs("boom line:1.5", manifest)).toThrow(/whole number/);
    expect(() => parseSkillArgs("boom kind:ruby", manifest)).toThrow(/one of node, python/);
    expect(() => parseSkillArgs("boom dry_run:maybe", manifest)).toThrow(/dry_run must be true or false/);
  });

  it("answers unknown, missing, repeated and unclosed arguments with the usage line", () => {
    const usage =
      "Usage: /skill demo error:<error> [file:<file>] [line:<integer>] [ratio:<number>] [keywords:<list>] [kind:node|python] [--overwrite] [dry_run:true]";
    expect(() => parseSkillArgs("boom colour:red", manifest)).toThrow(
      `Unknown argument "colour" (arguments: error, file, line, ratio, keywords, kind, overwrite).\n${usage}`,
    );
    expect(() => parseSkillArgs("", manifest)).toThrow(`Missing required argument error.\n${usage}`);
    expect(() => parseSkillArgs("error:a error:b", manifest)).toThrow(/given twice/);
    expect(() => parseSkillArgs('error:"open', manifest)).toThrow(/Unclosed " quote/);
    expect(() => parseSkillArgs('error:""', manifest)).toThrow(/non-empty/);
  });

  it("uses the usage line SKILL.md gives", () => {
    const { manifest: custom } = parseSkillMd(
      '---\nname: c\ndescription: d\nstatus: proposed\nusage: "/skill c <thing>"\n---\n',
    );
    expect(usageLine(custom)).toBe("/skill c <thing>");
  });
});

describe("tokenizeSkillArgs", () => {
  it("splits on any whitespace and keeps empty quoted values", () => {
    expect(tokenizeSkillArgs(' a\tb:""  "c d" ')).toEqual([
      { kind: "text", value: "a" },
      { kind: "keyed", key: "b", value: "" },
      { kind: "text", value: "c d" },
    ]);
  });
});

describe("coerceSkillArgs", () => {
  it("takes the model's typed values and strings alike", () => {
    expect(
      coerceSkillArgs({ error: "e", line: 3, keywords: ["x"], overwrite: "yes", dry_run: true }, manifest),
    ).toEqual({
      args: { error: "e", line: 3, keywords: ["x"], overwrite: true, ratio: 0.5 },
      dryRun: true,
    });
    expect(() => coerceSkillArgs({ error: { nested: 1 } }, manifest)).toThrow(/error must be text/);
  });
});
