// The skills of the store as they are right now: each scan re-reads them (the local folders, or the replica the
// shared store's change feed keeps current) and the ledger, so a new, edited or approved skill counts at the
// next command, whichever agent made it (hot loading without a watcher). A skill is approved when its hash is
// the user's ledger entry or the pin it shipped with (shipped-approvals.ts).
import { LocalStore } from "../store/local-store.js";
import type { Store } from "../store/store.js";
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
  /** Where it lives: its directory, or its place in the shared store. */
  dir: string;
  /** The store's version of the item (what a versioned write expects). */
  version: string;
  state: SkillState;
  /** The front matter, when SKILL.md parsed. */
  manifest?: SkillManifest;
  /** SKILL.md as stored. */
  skillMd: string;
  /** skill.ts as stored ("" when missing). */
  skillTs: string;
  /** sha256 of both files (status line blanked). */
  hash: string;
}

export type SkillRegistryOptions =
  /** Skills and approvals in a store (main.ts). */
  | { store: Store; ledger: ApprovalLedger }
  /** The local folders: a skills directory and the ledger file (`$DATA_DIR/skill-approvals.json`). */
  | { dir: string; ledgerPath: string };

export class SkillRegistry {
  readonly ledger: ApprovalLedger;
  readonly store: Store;
  private readonly parsed = new Map<string, { manifest?: SkillManifest; error?: string }>();
  /** Compiled code by content hash. */
  private readonly programs = new Map<string, SkillProgram>();

  constructor(options: SkillRegistryOptions) {
    if ("store" in options) {
      this.store = options.store;
      this.ledger = options.ledger;
    } else {
      this.store = new LocalStore({ skillsDir: options.dir, ledgerPath: options.ledgerPath });
      this.ledger = new ApprovalLedger(this.store);
    }
  }

  /** Where the skills live, for messages. */
  get dir(): string {
    return this.store.where("skill", "").replace(/\/$/, "");
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
    const items = this.store.readNow("skill");
    if (items.length === 0) return [];
    const { entries: approvals, problem } = this.ledger.read();
    const candidates = (name: string) =>
      [approvals[name], SHIPPED_APPROVALS[name]].filter((a): a is ApprovalEntry => a !== undefined);
    const entries = items.map((item) =>
      this.read(item.name, item.version, item.files, new Set(candidates(item.name).map((a) => a.sha256))),
    );
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

  /** Whether the store holds any skill. */
  hasSkills(): boolean {
    return this.store.readNow("skill").length > 0;
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
  private read(
    name: string,
    version: string,
    files: Record<string, string>,
    approvedHashes: ReadonlySet<string>,
  ): SkillEntry | undefined {
    const skillMd = files["SKILL.md"];
    if (skillMd === undefined) return undefined;
    const skillTs = files["skill.ts"];
    const hash = hashSkill(skillMd, skillTs ?? "");
    const dir = this.store.where("skill", name);
    const base = { name, dir, version, skillMd, skillTs: skillTs ?? "", hash };
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
