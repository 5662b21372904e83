// Which version (sha256) of each skill the user approved, who and when, as `approval` items of the store. On
// the local store that is $DATA_DIR/skill-approvals.json, trusted by where it lives (ADR 011). On a shared
// store every entry carries an HMAC keyed from LLM_MASTER_KEY, so only agents holding that key can approve
// (ADR 019). Read synchronously on every check (the store's readNow), so an edit by another process counts.
import { createHmac, hkdfSync, timingSafeEqual } from "node:crypto";
import { z } from "zod";
import { type Store, StoreError } from "../store/store.js";

const entrySchema = z.object({
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  approvedBy: z.string(),
  approvedAt: z.string(),
});

const signedSchema = entrySchema.extend({ mac: z.string().regex(/^[0-9a-f]{64}$/) });

/** One approval. */
export type ApprovalEntry = z.infer<typeof entrySchema>;

/** An unsigned entry's JSON text, or undefined when it is not one. */
export function parseApprovalEntry(text: string): ApprovalEntry | undefined {
  try {
    const parsed = entrySchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/** How entries are authenticated. */
export type LedgerTrust =
  /** The local ledger: trusted by its place under DATA_DIR, unsigned (the file format is unchanged). */
  | { kind: "location" }
  /** A shared store: entries must carry a MAC under this key; undefined when LLM_MASTER_KEY is unset. */
  | { kind: "mac"; key: Buffer | undefined };

/** The ledger's MAC key from the master key: HKDF-SHA256, so it is never the keystore's own key. */
export function approvalMacKey(masterKey: string): Buffer {
  return Buffer.from(hkdfSync("sha256", masterKey, "ts-coding-agent", "skill-approvals ledger v1", 32));
}

export class ApprovalLedger {
  constructor(
    /** The store whose `approval` items are the ledger. */
    private readonly store: Store,
    private readonly trust: LedgerTrust = { kind: "location" },
  ) {}

  /** Where the ledger lives, for messages. */
  get path(): string {
    return this.store.where("approval", "ledger");
  }

  /**
   * Every valid entry. A missing ledger is empty; a damaged entry, or one whose MAC does not check, is left
   * out with `problem` saying why, so a damaged or forged ledger can only ever deny.
   */
  read(): { entries: Record<string, ApprovalEntry>; problem?: string } {
    const entries: Record<string, ApprovalEntry> = {};
    const problems: string[] = [];
    const storeProblem = this.store.readProblem("approval");
    if (storeProblem) problems.push(storeProblem);
    if (this.trust.kind === "mac" && this.trust.key === undefined) {
      return {
        entries,
        problem: `approvals in the shared store at ${this.store.location} are signed with a key from LLM_MASTER_KEY; set it (the same on every agent)`,
      };
    }
    for (const item of this.store.readNow("approval")) {
      const entry = this.parse(item.name, item.files["approval.json"] ?? "");
      if (entry) entries[item.name] = entry;
      else problems.push(`the approval of "${item.name}" is damaged or not signed with this LLM_MASTER_KEY`);
    }
    return problems.length ? { entries, problem: problems.join("; ") } : { entries };
  }

  /** Records (or replaces) the approval of `name`. Other entries are kept as they are. */
  async record(name: string, entry: ApprovalEntry): Promise<void> {
    const clean = entrySchema.parse(entry);
    let stored: Record<string, string> = clean;
    if (this.trust.kind === "mac") {
      if (this.trust.key === undefined) {
        throw new StoreError(
          `Cannot approve in the shared store at ${this.store.location} without LLM_MASTER_KEY: set it (the same on every agent sharing the store).`,
        );
      }
      stored = { ...clean, mac: sign(this.trust.key, name, clean) };
    }
    await this.store.put("approval", name, { "approval.json": JSON.stringify(stored) });
  }

  private parse(name: string, text: string): ApprovalEntry | undefined {
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      return undefined;
    }
    if (this.trust.kind === "location") {
      const parsed = entrySchema.safeParse(json);
      return parsed.success ? parsed.data : undefined;
    }
    const parsed = signedSchema.safeParse(json);
    if (!parsed.success || this.trust.key === undefined) return undefined;
    const { mac, ...entry } = parsed.data;
    const expected = Buffer.from(sign(this.trust.key, name, entry), "hex");
    return timingSafeEqual(expected, Buffer.from(mac, "hex")) ? entry : undefined;
  }
}

/** HMAC-SHA256 over the skill's name and every field, so an entry cannot be moved to another skill. */
function sign(key: Buffer, name: string, entry: ApprovalEntry): string {
  return createHmac("sha256", key)
    .update(JSON.stringify([name, entry.sha256, entry.approvedBy, entry.approvedAt]))
    .digest("hex");
}
