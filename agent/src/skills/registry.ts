// The skills in skills/<name>/ as they are on disk right now: each scan re-reads the small files and the
// ledger, so a new, edited or approved skill counts at the next command (hot loading without a watcher).
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { ApprovalLedger } from "./approval-ledger.js";
import { checkSkillImports } from "./import-check.js";
import { SkillUnavailableError } from "./skill-errors.js";
import { hashSkill } from "./skill-hash.js";
import { parseSkillMd, type SkillManifest } from "./skill-md.js";
import { loadSkillModule, type SkillModule } from "./skill-module.js";

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
  /** Where transpiled skill modules are cached. */
  cacheDir: string;
}

export class SkillRegistry {
  readonly ledger: ApprovalLedger;
  private readonly parsed = new Map<string, { manifest?: SkillManifest; error?: string }>();
  private readonly modules = new Map<string, Promise<SkillModule>>();

  constructor(private readonly options: SkillRegistryOptions) {
    this.ledger = new ApprovalLedger(join(options.dir, ".approvals.json"));
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
    const entries = names.sort().map((name) => this.read(name, approvals[name]?.sha256));
    return entries.flatMap((entry) => {
      if (!entry) return [];
      if (entry.state.kind === "proposed" && entry.manifest?.status === "approved") {
        const approval = approvals[entry.name];
        entry.state =
          approval?.sha256 === entry.hash
            ? { kind: "approved", approvedBy: approval.approvedBy, approvedAt: approval.approvedAt }
            : {
                kind: "changed",
                reason: approval
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
   * The approved skill's module, loaded once per content hash. Throws SkillUnavailableError saying why a skill
   * cannot run (unknown, invalid, proposed, changed, deprecated).
   */
  async loadApproved(
    name: string,
  ): Promise<{ entry: SkillEntry; manifest: SkillManifest; module: SkillModule }> {
    const entry = await this.get(name);
    if (!entry) {
      const known = (await this.list()).map((e) => e.name).join(", ") || "none";
      throw new SkillUnavailableError(`No skill "${name}". Skills: ${known}.`, name);
    }
    if (entry.state.kind !== "approved" || !entry.manifest) {
      throw new SkillUnavailableError(notRunnable(entry), name);
    }
    let loading = this.modules.get(entry.hash);
    if (!loading) {
      loading = loadSkillModule(name, entry.skillTs, entry.hash, this.options.cacheDir);
      this.modules.set(entry.hash, loading);
      loading.catch(() => this.modules.delete(entry.hash));
    }
    return { entry, manifest: entry.manifest, module: await loading };
  }

  /** `approvedHash`: the ledger's hash for this skill, whose import check already passed at approval. */
  private read(name: string, approvedHash?: string): SkillEntry | undefined {
    const dir = join(this.options.dir, name);
    const skillMd = readText(join(dir, "SKILL.md"));
    if (skillMd === undefined) return undefined;
    const skillTs = readText(join(dir, "skill.ts"));
    const hash = hashSkill(skillMd, skillTs ?? "");
    const base = { name, dir, skillMd, skillTs: skillTs ?? "", hash };
    // The hash ignores the status line (so approving keeps it); the parse cache must not.
    const vetted = approvedHash === hash;
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
