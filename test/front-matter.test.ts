// The one front-matter parser behind SKILL.md and playbooks: the same fences, BOM, CRLF and YAML rules for
// both, each wording its own errors.
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { parseFrontMatter, splitFrontMatter } from "../agent/src/front-matter.js";
import { parsePlaybookMd } from "../agent/src/playbooks/playbook-md.js";
import { normaliseStatus, parseSkillMd, setSkillStatus } from "../agent/src/skills/skill-md.js";

const schema = z.strictObject({ name: z.string(), count: z.number().default(1) });
const skill = (head: string, body = "Spec.\n") =>
  `---\nname: demo\ndescription: A demo.\nstatus: proposed\n${head}---\n${body}`;
const playbook = (head: string, body = "Advice.\n") =>
  `---\nname: Demo\ndescription: A demo.\n${head}---\n${body}`;

describe("parseFrontMatter", () => {
  it("validates the YAML with the schema and returns the trimmed body", () => {
    expect(parseFrontMatter("---\nname: a\n---\n\n# Body\n\n", schema)).toEqual({
      data: { name: "a", count: 1 },
      body: "# Body",
    });
  });

  it("accepts CRLF line ends and a leading BOM, and an empty body", () => {
    expect(parseFrontMatter("\uFEFF---\r\nname: a\r\n---\r\nBody", schema)).toEqual({
      data: { name: "a", count: 1 },
      body: "Body",
    });
    expect(parseFrontMatter("---\nname: a\n---", schema)).toEqual({
      data: { name: "a", count: 1 },
      body: "",
    });
  });

  it("says which problem it found: no fences, not YAML, or the schema's first issue and its path", () => {
    expect(parseFrontMatter("name: a\n", schema)).toEqual({ problem: "missing" });
    expect(parseFrontMatter("text\n---\nname: a\n---\n", schema)).toEqual({ problem: "missing" });
    expect(parseFrontMatter("---\nname: [a\n---\n", schema)).toMatchObject({ problem: "yaml" });
    expect(parseFrontMatter("---\nname: a\ncount: many\n---\n", schema)).toMatchObject({
      problem: "schema",
      path: "count",
    });
  });

  it("refuses a YAML alias bomb instead of expanding it", () => {
    const bomb = ["---", "a: &a [x, x, x, x, x, x, x, x, x, x]"];
    for (let i = 0; i < 8; i++)
      bomb.push(`${"bcdefghi"[i]}: &${"bcdefghi"[i]} [*${"abcdefgh"[i]}, *${"abcdefgh"[i]}]`);
    bomb.push("name: x", "---", "");
    expect(parseFrontMatter(bomb.join("\n"), z.looseObject({ name: z.string() }))).toMatchObject({
      problem: "yaml",
    });
  });

  it("reports where the body starts in the original text, BOM included", () => {
    const text = "\uFEFF---\nname: a\n---\nBody";
    const span = splitFrontMatter(text);
    expect(span).toEqual({ yaml: "name: a", bodyStart: text.indexOf("Body") });
  });
});

describe("SKILL.md and playbooks share it", () => {
  it("parse the same fences, CRLF and BOM", () => {
    const crlf = (text: string) => `\uFEFF${text.replaceAll("\n", "\r\n")}`;
    expect(parseSkillMd(crlf(skill(""))).body).toBe("Spec.");
    expect(parsePlaybookMd(crlf(playbook("keywords: a, b\n"))).body).toBe("Advice.");
    expect(parsePlaybookMd(crlf(playbook("keywords: a, b\n"))).keywords).toEqual(["a", "b"]);
  });

  it("reads a SKILL.md body that starts right after the fence, also with a BOM", () => {
    expect(parseSkillMd(`\uFEFF${skill("", "Xyz")}`).body).toBe("Xyz");
  });

  it("word their errors for their own kind of file", () => {
    expect(() => parseSkillMd("no front matter")).toThrow(/^SKILL.md must start with YAML front matter/);
    expect(() => parsePlaybookMd("no front matter")).toThrow(/^a playbook must start with YAML front matter/);
    expect(() => parseSkillMd(skill("args: [\n"))).toThrow(/^The front matter is not valid YAML: /);
    expect(() => parsePlaybookMd(playbook("keywords: [\n"))).toThrow(/^the front matter is not valid YAML: /);
    expect(() => parseSkillMd(skill("usage: 3\n"))).toThrow(/^Invalid front matter at usage: /);
    expect(() => parsePlaybookMd(playbook("extra: 1\n"))).toThrow(/^invalid front matter at \(top level\): /);
  });

  it("edit the status line of a SKILL.md with a BOM without touching anything else", () => {
    const text = `\uFEFF${skill("")}`;
    expect(setSkillStatus(text, "approved")).toBe(text.replace("status: proposed", "status: approved"));
    expect(normaliseStatus(text)).toBe(text.replace("status: proposed", "status:"));
  });
});
