// The skills in skills/<name>/ as they are on disk right now: each scan re-reads the small files and the
// ledger, so a new, edited or approved skill counts at the next command (hot loading without a watcher). A skill
// is approved when its hash is the user's ledger entry or the pin it shipped with (shipped-approvals.ts).
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { type ApprovalEntry, ApprovalLedger } from "./approval-ledger.js";
import { checkSkillImports } from "./import-check.js";
import { SHIPPED_APPROVALS } from "./shipped-approvals.js";
import { SkillUnavailableError } from "./skill-errors.js";
import { hashSkill } from "./skill-hash.js";
import { parseSkillMd, type SkillManifest } from "./skill-md.js";
import { compileSkill, type SkillProgram } from "./skill-module.js";

/** Where a skill stands: only `approved` runs. */
export type SkillState =
  /** SKILL.md or skill.ts is broken; `error` says how. */
  | { kind: "invalid"; error: string }
  /** Written, not approved: it can be suggested, not run. */
  | { kind: "proposed" }
  /** Approved, and both files hash to the ledger entry. */
  | { kind: "approved"; approvedBy: string; approvedAt: string }
  /** Marked approved, but edited since (or missing from the ledger): revoked until approved again. */
  | { kind: "changed"; reason: string }
  /** Retired by its author. */
  | { kind: "deprecated" };

/** One skill directory. */
export interface SkillEntry {
  /** Directory name (equal to the front matter's name when valid). */
  name: string;
  /** Absolute directory. */
  dir: string;
  state: SkillState;
  /** The front matter, when SKILL.md parsed. */
  manifest?: SkillManifest;
  /** SKILL.md as on disk. */
  skillMd: string;
  /** skill.ts as on disk ("" when missing). */
  skillTs: string;
  /** sha256 of both files (status line blanked). */
  hash: string;
}

export interface SkillRegistryOptions {
  /** The skills directory. */
  dir: string;
  /** The user's approvals ledger, where the sandbox cannot write (`$DATA_DIR/skill-approvals.json`). */
  ledgerPath: string;
}

export class SkillRegistry {
  readonly ledger: ApprovalLedger;
  private readonly parsed = new Map<string, { manifest?: SkillManifest; error?: string }>();
  /** Compiled code by content hash. */
  private readonly programs = new Map<string, SkillProgram>();

  constructor(private readonly options: SkillRegistryOptions) {
    this.ledger = new ApprovalLedger(options.ledgerPath);
  }

  get dir(): string {
    return this.options.dir;
  }

  /** Every skill directory, sorted by name. Never throws: a missing skills dir is an empty list. */
  async list(): Promise<SkillEntry[]> {
    return this.scan();
  }

  /**
   * The same, synchronously (the system prompt is built synchronously): a few small files, parsed once per
   * content hash.
   */
  scan(): SkillEntry[] {
    let names: string[];
    try {
      const dirents = readdirSync(this.options.dir, { withFileTypes: true });
      names = dirents.filter((d) => d.isDirectory() && !d.name.startsWith(".")).map((d) => d.name);
    } catch {
      return [];
    }
    const { entries: approvals, problem } = this.ledger.read();
    const candidates = (name: string) =>
      [approvals[name], SHIPPED_APPROVALS[name]].filter((a): a is ApprovalEntry => a !== undefined);
    const entries = names
      .sort()
      .map((name) => this.read(name, new Set(candidates(name).map((a) => a.sha256))));
    return entries.flatMap((entry) => {
      if (!entry) return [];
      if (entry.state.kind === "proposed" && entry.manifest?.status === "approved") {
        const known = candidates(entry.name);
        const approval = known.find((a) => a.sha256 === entry.hash);
        entry.state = approval
          ? { kind: "approved", approvedBy: approval.approvedBy, approvedAt: approval.approvedAt }
          : {
              kind: "changed",
              reason:
                known.length > 0
                  ? "edited since it was approved"
                  : `not in the approvals ledger${problem ? ` (${problem})` : ""}`,
            };
      }
      return [entry];
    });
  }

  /** Whether any skill directory exists: one directory listing, cheap enough for every step. */
  hasSkills(): boolean {
    try {
      return readdirSync(this.options.dir, { withFileTypes: true }).some(
        (d) => d.isDirectory() && !d.name.startsWith("."),
      );
    } catch {
      return false;
    }
  }

  /** One skill, or undefined when there is no such directory. */
  async get(name: string): Promise<SkillEntry | undefined> {
    if (!/^[a-z][a-z0-9_-]{0,63}$/.test(name)) return undefined;
    return (await this.list()).find((entry) => entry.name === name);
  }

  /**
   * The approved skill's compiled code, compiled once per content hash. Throws SkillUnavailableError saying why
   * a skill cannot run (unknown, invalid, proposed, changed, deprecated), SkillLoadError when it does not compile.
   */
  async loadApproved(
    name: string,
  ): Promise<{ entry: SkillEntry; manifest: SkillManifest; program: SkillProgram }> {
    const entry = await this.get(name);
    if (!entry) {
      const known = (await this.list()).map((e) => e.name).join(", ") || "none";
      throw new SkillUnavailableError(`No skill "${name}". Skills: ${known}.`, name);
    }
    if (entry.state.kind !== "approved" || !entry.manifest) {
      throw new SkillUnavailableError(notRunnable(entry), name);
    }
    // The code that runs is the text that was hashed and found approved: no second read of the file.
    let program = this.programs.get(entry.hash);
    if (!program) {
      program = compileSkill(name, entry.skillTs);
      this.programs.set(entry.hash, program);
    }
    return { entry, manifest: entry.manifest, program };
  }

  /** `approvedHashes`: the approved hashes of this skill, whose import check already passed at approval. */
  private read(name: string, approvedHashes: ReadonlySet<string>): SkillEntry | undefined {
    const dir = join(this.options.dir, name);
    const skillMd = readText(join(dir, "SKILL.md"));
    if (skillMd === undefined) return undefined;
    const skillTs = readText(join(dir, "skill.ts"));
    const hash = hashSkill(skillMd, skillTs ?? "");
    const base = { name, dir, skillMd, skillTs: skillTs ?? "", hash };
    // The hash ignores the status line (so approving keeps it); the parse cache must not.
    const vetted = approvedHashes.has(hash);
    const key = `${name}:${hash}:${vetted}:${/^status:.*$/m.exec(skillMd)?.[0] ?? ""}`;
    const cached = this.parsed.get(key) ?? this.parse(name, skillMd, skillTs, vetted);
    this.parsed.set(key, cached);
    if (cached.error)
      return {
        ...base,
        state: { kind: "invalid", error: cached.error },
        ...(cached.manifest ? { manifest: cached.manifest } : {}),
      };
    const manifest = cached.manifest as SkillManifest;
    const state: SkillState =
      manifest.status === "deprecated" ? { kind: "deprecated" } : { kind: "proposed" };
    return { ...base, manifest, state };
  }

  private parse(
    name: string,
    skillMd: string,
    skillTs: string | undefined,
    vetted: boolean,
  ): { manifest?: SkillManifest; error?: string } {
    let manifest: SkillManifest;
    try {
      manifest = parseSkillMd(skillMd).manifest;
    } catch (error) {
      return { error: `SKILL.md: ${error instanceof Error ? error.message : String(error)}` };
    }
    if (manifest.name !== name) {
      return {
        manifest,
        error: `SKILL.md names it "${manifest.name}" but its directory is "${name}"; make them equal.`,
      };
    }
    if (skillTs === undefined)
      return { manifest, error: `skill.ts is missing; write it or run /skill create_skill ${name}` };
    // An approved hash passed this check at approval, and loading checks again: listing skills (every prompt)
    // then never needs the TypeScript compiler.
    const violations = vetted ? [] : checkSkillImports(skillTs);
    if (violations.length) {
      const first = violations[0];
      return { manifest, error: `skill.ts line ${first?.line}: ${first?.message}` };
    }
    return { manifest };
  }
}

/** Why a skill cannot run, and what to do about it. */
export function notRunnable(entry: SkillEntry): string {
  switch (entry.state.kind) {
    case "invalid":
      return `Skill "${entry.name}" is invalid: ${entry.state.error}`;
    case "proposed":
      return `Skill "${entry.name}" is proposed, not approved: the user must review it and run /approve ${entry.name}.`;
    case "changed":
      return `Skill "${entry.name}" was approved but is ${entry.state.reason}, so its approval is revoked: the user must review it and run /approve ${entry.name} again.`;
    case "deprecated":
      return `Skill "${entry.name}" is deprecated and does not run.`;
    case "approved":
      return `Skill "${entry.name}" is approved.`;
  }
}

function readText(file: string): string | undefined {
  try {
    return readFileSync(file, "utf8");
  } catch {
    return undefined;
  }
}
