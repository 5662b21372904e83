// $DATA_DIR/skill-approvals.json: which version (sha256) of each skill the user approved, who and when. It lives
// where the sandbox never reaches (ADR 011). Read fresh (synchronously: it is tiny) on every check so an edit by
// hand or another process counts; written atomically.
import { mkdirSync, readFileSync } from "node:fs";
import { dirname } from "node:path";
import { z } from "zod";
import { writeFileAtomic } from "../keys/atomic-write.js";

const entrySchema = z.object({
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  approvedBy: z.string(),
  approvedAt: z.string(),
});

const ledgerSchema = z.record(z.string(), entrySchema);

/** One approval. */
export type ApprovalEntry = z.infer<typeof entrySchema>;

export class ApprovalLedger {
  constructor(
    /** Path of the ledger file (`$DATA_DIR/skill-approvals.json`). */
    readonly path: string,
  ) {}

  /**
   * Every entry. A missing file is an empty ledger; an unreadable or invalid one is too (nothing is approved),
   * with `problem` saying why, so a damaged ledger can only ever deny.
   */
  read(): { entries: Record<string, ApprovalEntry>; problem?: string } {
    let text: string;
    try {
      text = readFileSync(this.path, "utf8");
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return { entries: {} };
      return { entries: {}, problem: `cannot read ${this.path}: ${(error as Error).message}` };
    }
    try {
      const parsed = ledgerSchema.safeParse(JSON.parse(text));
      if (parsed.success) return { entries: parsed.data };
      return {
        entries: {},
        problem: `${this.path} is not a valid approvals ledger; approve the skills again`,
      };
    } catch {
      return { entries: {}, problem: `${this.path} is not valid JSON; approve the skills again` };
    }
  }

  /** Records (or replaces) the approval of `name`. Other entries are kept as they are. */
  async record(name: string, entry: ApprovalEntry): Promise<void> {
    const { entries } = this.read();
    entries[name] = entry;
    const sorted = Object.fromEntries(Object.entries(entries).sort(([a], [b]) => (a < b ? -1 : 1)));
    mkdirSync(dirname(this.path), { recursive: true, mode: 0o700 });
    await writeFileAtomic(this.path, `${JSON.stringify(sorted, null, 2)}\n`, 0o600);
  }
}
