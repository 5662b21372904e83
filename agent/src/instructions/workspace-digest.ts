// What /init shows the model of a workspace: a bounded file list (heavy and hidden folders skipped) and the
// start of the files that say how a project is built, tested and run (README, manifests, CI, Makefile).
import { type Dirent, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

/** Folders never listed: dependencies, build output, caches, VCS data. */
const SKIPPED_DIRS = new Set([
  ".git",
  "node_modules",
  ".venv",
  "venv",
  "__pycache__",
  "dist",
  "build",
  "target",
  "coverage",
  ".next",
  ".agent",
  ".cache",
  ".mypy_cache",
  ".pytest_cache",
  ".tox",
]);

/** Files whose start tells how the project works, in the order they are shown. */
const KEY_FILES = [
  /^readme(\.\w+)?$/i,
  /^contributing(\.\w+)?$/i,
  /^package\.json$/,
  /^pyproject\.toml$/,
  /^setup\.(py|cfg)$/,
  /^requirements.*\.txt$/,
  /^cargo\.toml$/i,
  /^go\.mod$/,
  /^pom\.xml$/,
  /^build\.gradle(\.kts)?$/,
  /^gemfile$/i,
  /^makefile$/i,
  /^justfile$/i,
  /^dockerfile$/i,
  /^docker-compose\.ya?ml$/,
  /^compose\.ya?ml$/,
  /^tsconfig\.json$/,
  /^biome\.json$/,
  /^\.eslintrc(\.\w+)?$/,
  /^\.prettierrc(\.\w+)?$/,
  /^ruff\.toml$/,
  /^\.editorconfig$/,
  /^claude\.md$/i,
  /^\.cursorrules$/,
  /^\.github\/copilot-instructions\.md$/,
  /^\.github\/workflows\/[^/]+\.ya?ml$/,
];

export interface WorkspaceDigest {
  /** The digest text for the model. */
  text: string;
  /** Paths listed (at most `maxEntries`). */
  listed: number;
  /** Key files whose start is included. */
  keyFiles: string[];
}

export interface DigestLimits {
  /** Most paths in the listing. */
  maxEntries: number;
  /** Most characters shown of one key file. */
  maxFileChars: number;
  /** Most characters of the whole digest. */
  maxChars: number;
}

export const DEFAULT_DIGEST_LIMITS: DigestLimits = { maxEntries: 300, maxFileChars: 3_000, maxChars: 24_000 };

export function workspaceDigest(root: string, limits: DigestLimits = DEFAULT_DIGEST_LIMITS): WorkspaceDigest {
  const paths = listFiles(root, limits.maxEntries + 1);
  const more = paths.length > limits.maxEntries;
  const listed = paths.slice(0, limits.maxEntries);
  const keyFiles = listed
    .filter((path) => KEY_FILES.some((pattern) => pattern.test(path)))
    .sort((a, b) => rank(a) - rank(b));
  const parts = [
    `<files count="${listed.length}${more ? "+" : ""}">\n${listed.join("\n")}${more ? "\n…" : ""}\n</files>`,
  ];
  let size = parts[0]?.length ?? 0;
  const shown: string[] = [];
  for (const path of keyFiles) {
    let content: string;
    try {
      content = readFileSync(join(root, path), "utf8");
    } catch {
      continue;
    }
    const head =
      content.length > limits.maxFileChars ? `${content.slice(0, limits.maxFileChars)}\n[… cut …]` : content;
    const part = `<file path="${path}">\n${head.trimEnd()}\n</file>`;
    if (size + part.length > limits.maxChars) break;
    parts.push(part);
    shown.push(path);
    size += part.length;
  }
  return { text: parts.join("\n\n"), listed: listed.length, keyFiles: shown };
}

function rank(path: string): number {
  const index = KEY_FILES.findIndex((pattern) => pattern.test(path));
  return index < 0 ? KEY_FILES.length : index;
}

/** Workspace-relative file paths, breadth first (top-level files first), skipping heavy and hidden folders. */
function listFiles(root: string, max: number): string[] {
  const out: string[] = [];
  const queue = [""];
  while (queue.length > 0 && out.length < max) {
    const dir = queue.shift() ?? "";
    let entries: Dirent[];
    try {
      entries = readdirSync(join(root, dir), { withFileTypes: true });
    } catch {
      continue;
    }
    entries.sort((a, b) => a.name.localeCompare(b.name));
    for (const entry of entries) {
      const path = dir ? `${dir}/${entry.name}` : entry.name;
      if (entry.isDirectory()) {
        const keep =
          !SKIPPED_DIRS.has(entry.name) && (!entry.name.startsWith(".") || entry.name === ".github");
        if (keep) queue.push(path);
      } else if (entry.isFile()) {
        out.push(path);
        if (out.length >= max) break;
      }
    }
  }
  return out;
}
