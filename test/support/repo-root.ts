// The repository root, for tests that read checked-in files; importing it starts nothing.
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const repoRoot = resolve(fileURLToPath(import.meta.url), "..", "..", "..");
