// `agent store export|import`: the whole library (skills, approvals, dynamic tools, artifacts) between the
// configured store and a folder in the local layout or one JSON file. Approvals travel as plain entries and
// are checked on the way out (a shared store's MACs) and signed on the way in by the receiving ledger.
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import { dirname, join } from "node:path";
import { z } from "zod";
import { writeFileAtomic } from "../keys/atomic-write.js";
import { LocalStore } from "../store/local-store.js";
import { checkItem, type Store, StoreConflictError, StoreError, type StoreKind } from "../store/store.js";
import { type ApprovalEntry, ApprovalLedger, parseApprovalEntry } from "./approval-ledger.js";

/** One item as exported: approvals hold the plain entry. */
export interface LibraryItem {
  kind: StoreKind;
  name: string;
  files: Record<string, string>;
}

/** What a transfer moved, by kind, and the ledger's problem if some approvals were left out. */
export interface TransferReport {
  counts: Record<StoreKind, number>;
  problem?: string;
}

const FORMAT = "ts-coding-agent-library";

const fileSchema = z.object({
  format: z.literal(FORMAT),
  version: z.literal(1),
  items: z.array(
    z.object({
      kind: z.enum(["skill", "approval", "tool", "artifact"]),
      name: z.string(),
      files: z.record(z.string(), z.string()),
    }),
  ),
});

const CONTENT_KINDS = ["skill", "tool", "artifact"] as const;

/** Copies the library of `store` (approvals as `ledger` accepts them) to a new folder or `.json` file. */
export async function exportLibrary(
  store: Store,
  ledger: ApprovalLedger,
  target: string,
): Promise<TransferReport> {
  if (existsSync(target) && !(statSync(target).isDirectory() && readdirSync(target).length === 0)) {
    throw new StoreError(`${target} already exists; export to a new folder or .json file.`);
  }
  const items: LibraryItem[] = [];
  for (const kind of CONTENT_KINDS) {
    for (const item of await store.list(kind)) items.push({ kind, name: item.name, files: item.files });
  }
  const { entries, problem } = ledger.read();
  for (const [name, entry] of Object.entries(entries)) items.push(approvalItem(name, entry));
  if (target.endsWith(".json")) {
    await mkdir(dirname(target), { recursive: true });
    const text = `${JSON.stringify({ format: FORMAT, version: 1, items }, null, 2)}\n`;
    await writeFileAtomic(target, text, 0o600);
  } else {
    const folder = folderStore(target);
    for (const item of items) await folder.put(item.kind, item.name, item.files);
  }
  return { counts: count(items), ...(problem ? { problem } : {}) };
}

/** Copies a library exported by exportLibrary into `store`; items of the same name are replaced. */
export async function importLibrary(
  store: Store,
  ledger: ApprovalLedger,
  source: string,
): Promise<TransferReport> {
  const items = source.endsWith(".json") ? readLibraryFile(source) : await readLibraryFolder(source);
  if (items.length === 0) {
    throw new StoreError(
      `${source} holds no library: expected skills/, dynamic-tools/, artifacts/ or skill-approvals.json (from agent store export).`,
    );
  }
  // Everything is checked before anything is written: a bad file imports nothing.
  const approvals: Array<[string, ApprovalEntry]> = [];
  for (const item of items) {
    checkItem(item.kind, item.name, item.files);
    if (item.kind !== "approval") continue;
    const entry = parseApprovalEntry(item.files["approval.json"] ?? "");
    if (!entry) throw new StoreError(`The approval of "${item.name}" in ${source} is not a valid entry.`);
    approvals.push([item.name, entry]);
  }
  for (const item of items.filter((i) => i.kind !== "approval")) {
    await store.put(item.kind, item.name, item.files);
  }
  for (const [name, entry] of approvals) await ledger.record(name, entry);
  return { counts: count(items) };
}

function readLibraryFile(file: string): LibraryItem[] {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, "utf8"));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new StoreError(
      code === "ENOENT"
        ? `No library file at ${file}.`
        : `${file} is not a library file (${(error as Error).message}).`,
    );
  }
  const parsed = fileSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new StoreError(
      `${file} is not a library file from agent store export (at ${issue?.path.join(".") || "top level"}: ${issue?.message}).`,
    );
  }
  return parsed.data.items;
}

async function readLibraryFolder(folder: string): Promise<LibraryItem[]> {
  if (!existsSync(folder) || !statSync(folder).isDirectory()) {
    throw new StoreError(`No library folder at ${folder}.`);
  }
  const store = folderStore(folder);
  const items: LibraryItem[] = [];
  for (const kind of CONTENT_KINDS) {
    for (const item of await store.list(kind)) items.push({ kind, name: item.name, files: item.files });
  }
  const { entries, problem } = new ApprovalLedger(store).read();
  if (problem) throw new StoreError(`Cannot import the approvals: ${problem}.`);
  for (const [name, entry] of Object.entries(entries)) items.push(approvalItem(name, entry));
  return items;
}

/** A folder in the local store's layout. */
function folderStore(folder: string): LocalStore {
  return new LocalStore({
    skillsDir: join(folder, "skills"),
    ledgerPath: join(folder, "skill-approvals.json"),
    dynamicToolsDir: join(folder, "dynamic-tools"),
    artifactsDir: join(folder, "artifacts"),
  });
}

function approvalItem(name: string, entry: ApprovalEntry): LibraryItem {
  return { kind: "approval", name, files: { "approval.json": JSON.stringify(entry) } };
}

function count(items: LibraryItem[]): Record<StoreKind, number> {
  const counts: Record<StoreKind, number> = { skill: 0, approval: 0, tool: 0, artifact: 0 };
  for (const item of items) counts[item.kind]++;
  return counts;
}

/**
 * Puts the skills of `shipped` (the image's skills folder) that `store` lacks into it, each only if still
 * absent (a versioned create), so a new shared store starts with the shipped skills and two agents seeding
 * at once write each skill once. Returns the names added.
 */
export async function seedSkills(store: Store, shipped: Store): Promise<string[]> {
  const added: string[] = [];
  for (const item of await shipped.list("skill")) {
    if (await store.get("skill", item.name)) continue;
    try {
      await store.put("skill", item.name, item.files, { expected: null });
      added.push(item.name);
    } catch (error) {
      if (!StoreConflictError.isInstance(error)) throw error;
    }
  }
  return added;
}
