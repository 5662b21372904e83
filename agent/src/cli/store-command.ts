// `agent store export|import <path>`: moves a library between the configured store and a folder or .json
// file, e.g. from the local folders to a shared Redis: export without STORE_URL, import with it.
import { exportLibrary, importLibrary, type TransferReport } from "../skills/library-transfer.js";
import type { Library } from "../skills/open-library.js";
import { StoreError } from "../store/store.js";
import type { Terminal } from "./terminal.js";

export interface StoreCommandOptions {
  library: Library;
  action: "export" | "import";
  /** The folder or .json file. */
  path: string;
  term: Terminal;
}

/** Returns the exit code: 0 done, 2 a bad path or library (the message says what to do). */
export async function runStoreCommand(options: StoreCommandOptions): Promise<number> {
  const { library, action, path, term } = options;
  try {
    if (action === "export") {
      const report = await exportLibrary(library.store, library.ledger, path);
      term.line(`Exported ${describe(report)} from ${library.store.location} to ${path}.`);
      if (report.problem) term.error(`Approvals left out: ${report.problem}.`);
    } else {
      const report = await importLibrary(library.store, library.ledger, path);
      term.line(`Imported ${describe(report)} from ${path} into ${library.store.location}.`);
    }
    return 0;
  } catch (error) {
    if (!StoreError.isInstance(error)) throw error;
    term.error(`agent store ${action}: ${(error as Error).message}`);
    return 2;
  }
}

function describe({ counts }: TransferReport): string {
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;
  return [
    plural(counts.skill, "skill"),
    plural(counts.approval, "approval"),
    plural(counts.tool, "dynamic tool"),
    plural(counts.artifact, "artifact"),
  ].join(", ");
}
