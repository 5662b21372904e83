// SKILL.md front matter: validation errors that name the field, the status line edited in place, and the hash
// that ignores the status (so approving keeps it) but nothing else.
import { describe, expect, it } from "vitest";
import { hashSkill } from "../../agent/src/skills/skill-hash.js";
import { normaliseStatus, parseSkillMd, setSkillStatus } from "../../agent/src/skills/skill-md.js";

const GOOD =
  "---\nname: demo\ndescription: Does things.\nstatus: proposed\nallowed_tools: [read_file]\nargs:\n  - name: path\n    required: true\n---\n# Demo\n\nSpec.\n";

describe("parseSkillMd", () => {
  it("parses the front matter with defaults and keeps the spec as the body", () => {
    const { manifest, body } = parseSkillMd(GOOD);
    expect(manifest).toEqual({
      name: "demo",
      description: "Does things.",
      status: "proposed",
      allowed_tools: ["read_file"],
      args: [{ name: "path", type: "string", required: true }],
    });
    expect(body).toBe("# Demo\n\nSpec.");
  });

  it.each([
    ["no front matter", "# Demo\n", /must start with YAML front matter/],
    ["unclosed front matter", "---\nname: demo\n", /must start with YAML front matter/],
    ["YAML syntax", "---\nname: demo\n  bad: [\n---\n", /not valid YAML/],
    ["missing description", "---\nname: demo\nstatus: proposed\n---\n", /at description/],
    [
      "unknown field",
      "---\nname: demo\ndescription: d\nstatus: proposed\nrun: rm -rf /\n---\n",
      /Unrecognized key.*run/,
    ],
    ["bad status", "---\nname: demo\ndescription: d\nstatus: yes\n---\n", /at status/],
    [
      "bad name",
      "---\nname: Demo Skill\ndescription: d\nstatus: proposed\n---\n",
      /at name: a lowercase name/,
    ],
    [
      "reserved arg",
      "---\nname: demo\ndescription: d\nstatus: proposed\nargs: [{ name: dry_run }]\n---\n",
      /"dry_run" is reserved/,
    ],
    [
      "duplicate arg",
      "---\nname: demo\ndescription: d\nstatus: proposed\nargs: [{ name: a }, { name: a }]\n---\n",
      /args.1.name: duplicate/,
    ],
    [
      "default of the wrong type",
      "---\nname: demo\ndescription: d\nstatus: proposed\nargs: [{ name: n, type: integer, default: x }]\n---\n",
      /args.0.default: not a integer/,
    ],
  ])("refuses %s with an error naming the problem", (_label, text, message) => {
    expect(() => parseSkillMd(text)).toThrow(message);
  });
});

it("reads YAML tags as plain data: nothing in the front matter is evaluated", () => {
  const { manifest } = parseSkillMd(
    "---\nname: !!js/function 'x'\ndescription: !!str d\nstatus: proposed\n---\n",
  );
  expect(manifest).toMatchObject({ name: "x", description: "d" });
});

describe("status and hash", () => {
  it("changes only the front matter's status line", () => {
    const text = `${GOOD}status: proposed (in the body)\n`;
    const approved = setSkillStatus(text, "approved");
    expect(approved).toBe(text.replace("status: proposed\n", "status: approved\n"));
    expect(approved.endsWith("status: proposed (in the body)\n")).toBe(true);
    expect(() => setSkillStatus("---\nname: x\n---\n", "approved")).toThrow(/no 'status:' line/);
  });

  it("hashes equal across a status change, and differently after any other edit of either file", () => {
    const base = hashSkill(GOOD, "export async function run() {}\n");
    expect(hashSkill(setSkillStatus(GOOD, "approved"), "export async function run() {}\n")).toBe(base);
    expect(hashSkill(GOOD.replace("Spec.", "Spec!"), "export async function run() {}\n")).not.toBe(base);
    expect(hashSkill(GOOD, "export async function run() { }\n")).not.toBe(base);
    // Moving text from one file to the other changes the hash too.
    expect(hashSkill(`${GOOD}x`, "")).not.toBe(hashSkill(GOOD, "x"));
    expect(normaliseStatus(GOOD)).toContain("\nstatus:\n");
  });
});
