// Agent-side tools only skills see (when in their allowed_tools): the skills (in the store) and playbooks
// directories live with the agent, not in the sandbox's workspace. Writes are checked here and versioned (an
// edit by another agent in between is a conflict, not a loss); the ledger is never touched.
import { existsSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { ToolCallOptions, ToolResult, ToolSource, ToolSpec } from "../loop/tools.js";
import { parsePlaybookMd } from "../playbooks/playbook-md.js";
import type { Store } from "../store/store.js";
import { checkSkillImports } from "./import-check.js";
import { parseSkillMd } from "./skill-md.js";
import { typeCheckSkill } from "./type-check.js";

export interface SkillHostToolsOptions {
  /** Where skills are read and written. */
  store: Store;
  playbooksDir: string;
  /** skill-api.d.ts used by skill_validate. */
  skillApiPath?: string;
}

const NAME = /^[a-z][a-z0-9_-]{0,63}$/;
const SKILL_FILES = ["SKILL.md", "skill.ts"];

const object = (properties: Record<string, unknown>, required: string[]) => ({
  type: "object",
  properties,
  required,
  additionalProperties: false,
});

const specs: ToolSpec[] = [
  {
    name: "skill_read",
    description: "Read skills/<name>/SKILL.md or skill.ts.",
    parameters: object({ name: { type: "string" }, file: { enum: SKILL_FILES } }, ["name", "file"]),
  },
  {
    name: "skill_write",
    description: "Write skills/<name>/SKILL.md or skill.ts (a SKILL.md must be valid and not approved).",
    parameters: object(
      {
        name: { type: "string" },
        file: { enum: SKILL_FILES },
        content: { type: "string" },
        overwrite: { type: "boolean" },
      },
      ["name", "file", "content"],
    ),
  },
  {
    name: "skill_validate",
    description:
      "Check skills/<name>/skill.ts: the import rules and a strict type check against the skill API.",
    parameters: object({ name: { type: "string" } }, ["name"]),
  },
  {
    name: "playbook_write",
    description:
      "Write playbooks/<category>/<file>.md; the content needs valid front matter (name, description, keywords).",
    parameters: object(
      {
        category: { type: "string" },
        file: { type: "string" },
        content: { type: "string" },
        overwrite: { type: "boolean" },
      },
      ["category", "file", "content"],
    ),
  },
];

/** Names of the agent-side tools. */
export const SKILL_HOST_TOOLS = specs.map((spec) => spec.name);

export class SkillHostTools implements ToolSource {
  constructor(private readonly options: SkillHostToolsOptions) {}

  async listTools(): Promise<ToolSpec[]> {
    return specs;
  }

  async callTool(
    name: string,
    args: Record<string, unknown>,
    _options: ToolCallOptions,
  ): Promise<ToolResult> {
    try {
      switch (name) {
        case "skill_read":
          return ok(await this.readSkillFile(args));
        case "skill_write":
          return ok(await this.writeSkillFile(args));
        case "skill_validate":
          return this.validate(args);
        case "playbook_write":
          return ok(await this.writePlaybook(args));
        default:
          return fail(`Unknown agent-side tool "${name}".`);
      }
    } catch (error) {
      return fail(error instanceof Error ? error.message : String(error));
    }
  }

  private skillFile(args: Record<string, unknown>): { name: string; file: string; path: string } {
    const { name, file } = args;
    if (typeof name !== "string" || !NAME.test(name))
      throw new Error(
        `Invalid skill name ${JSON.stringify(name)}: use lowercase letters, digits, '-' or '_'.`,
      );
    if (typeof file !== "string" || !SKILL_FILES.includes(file))
      throw new Error(`file must be SKILL.md or skill.ts.`);
    return { name, file, path: join(this.options.store.where("skill", name), file) };
  }

  private async readSkillFile(args: Record<string, unknown>): Promise<string> {
    const { name, file, path } = this.skillFile(args);
    const text = (await this.options.store.get("skill", name))?.files[file];
    if (text === undefined) throw new Error(`${path} does not exist.`);
    return text;
  }

  private async writeSkillFile(args: Record<string, unknown>): Promise<string> {
    const { name, file, path } = this.skillFile(args);
    const content = args.content;
    if (typeof content !== "string") throw new Error("content must be a string.");
    const current = await this.options.store.get("skill", name);
    if (current?.files[file] !== undefined && args.overwrite !== true) {
      throw new Error(`${path} exists; pass overwrite: true (--overwrite) to replace it.`);
    }
    if (args.file === "SKILL.md") {
      const { manifest } = parseSkillMd(content);
      if (manifest.status === "approved")
        throw new Error("A skill cannot approve itself: write status: proposed; the user runs /approve.");
      if (manifest.name !== args.name)
        throw new Error(`The front matter names it "${manifest.name}", not "${String(args.name)}".`);
    }
    await this.options.store.put(
      "skill",
      name,
      { ...current?.files, [file]: content },
      { expected: current?.version ?? null },
    );
    return `Wrote skills/${String(args.name)}/${String(args.file)} (${Buffer.byteLength(content)} bytes).`;
  }

  private async validate(args: Record<string, unknown>): Promise<ToolResult> {
    const { path } = this.skillFile({ ...args, file: "skill.ts" });
    const source = await this.readSkillFile({ ...args, file: "skill.ts" });
    const problems = [
      ...checkSkillImports(source).map((v) => `line ${v.line}: ${v.message}`),
      ...typeCheckSkill(path, this.options.skillApiPath, source),
    ];
    return problems.length
      ? fail(`skill.ts has ${problems.length} problem(s):\n${problems.join("\n")}`)
      : ok("skill.ts passes the import rules and the type check.");
  }

  private async writePlaybook(args: Record<string, unknown>): Promise<string> {
    const { category, file, content } = args;
    if (typeof category !== "string" || !/^[a-z0-9][a-z0-9_-]{0,63}$/.test(category)) {
      throw new Error(
        `Invalid category ${JSON.stringify(category)}: one lowercase word (letters, digits, '-', '_'), no path separators.`,
      );
    }
    if (typeof file !== "string" || !/^[a-z0-9][a-z0-9_-]{0,80}$/.test(file)) {
      throw new Error(
        `Invalid file name ${JSON.stringify(file)}: lowercase letters, digits, '-', '_', without .md.`,
      );
    }
    if (typeof content !== "string") throw new Error("content must be a string.");
    parsePlaybookMd(content);
    const dir = join(this.options.playbooksDir, category);
    const path = join(dir, `${file}.md`);
    if (existsSync(path) && args.overwrite !== true)
      throw new Error(`playbooks/${category}/${file}.md exists; pass --overwrite to replace it.`);
    await mkdir(dir, { recursive: true });
    await writeFile(path, content);
    return `Wrote playbooks/${category}/${file}.md.`;
  }
}

function ok(text: string): ToolResult {
  return { text, isError: false };
}

function fail(text: string): ToolResult {
  return { text, isError: true };
}
