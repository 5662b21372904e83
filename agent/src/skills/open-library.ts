// The library of this agent: the store STORE_URL names (else the local folders) and the approvals ledger over
// it, trusted by place locally and by a MAC keyed from LLM_MASTER_KEY on a shared store (ADR 019).
import { join } from "node:path";
import { Artifacts } from "../store/artifacts.js";
import { LocalStore } from "../store/local-store.js";
import { openStore } from "../store/open-store.js";
import type { Store } from "../store/store.js";
import { ApprovalLedger, approvalMacKey } from "./approval-ledger.js";
import { seedSkills } from "./library-transfer.js";

export interface LibraryOptions {
  storeUrl?: string;
  skillsDir: string;
  dataDir: string;
  dynamicToolsDir: string;
  workspaceDir: string;
  masterKey?: string;
}

export interface Library {
  store: Store;
  ledger: ApprovalLedger;
  /** Named files and JSON values of code mode, in the same store. */
  artifacts: Artifacts;
  /** Whether the store is shared (Redis): tools then need syncing into the sandbox. */
  shared: boolean;
  /** Shipped skills added to a shared store that lacked them. */
  seeded: string[];
}

/** Opens the store and, on a shared one, seeds the shipped skills it lacks. Throws StoreError when unreachable. */
export async function openLibrary(options: LibraryOptions, seed = true): Promise<Library> {
  const local = {
    skillsDir: options.skillsDir,
    ledgerPath: join(options.dataDir, "skill-approvals.json"),
    dynamicToolsDir: options.dynamicToolsDir,
    artifactsDir: join(options.workspaceDir, ".agent", "artifacts"),
  };
  const store = await openStore({ ...local, ...(options.storeUrl ? { url: options.storeUrl } : {}) });
  const artifacts = new Artifacts(store);
  if (!options.storeUrl) {
    return { store, ledger: new ApprovalLedger(store), artifacts, shared: false, seeded: [] };
  }
  const key = options.masterKey ? approvalMacKey(options.masterKey) : undefined;
  const ledger = new ApprovalLedger(store, { kind: "mac", key });
  const seeded = seed ? await seedSkills(store, new LocalStore({ skillsDir: options.skillsDir })) : [];
  return { store, ledger, artifacts, shared: true, seeded };
}
