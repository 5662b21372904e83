// Project instructions for the system prompt: AGENTS.md (CLAUDE.md where a folder has no AGENTS.md) from the
// workspace root and each folder above it up to the git root, plus a user-level file under DATA_DIR, capped.
import { existsSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative } from "node:path";

/** The file names read in each folder, in order of preference: the first that exists is used. */
export const INSTRUCTION_FILE_NAMES = ["AGENTS.md", "CLAUDE.md"] as const;

export interface InstructionFile {
  /** Absolute path. */
  path: string;
  /** How it is shown: relative to the workspace (`AGENTS.md`, `../AGENTS.md`), or the path of the user file. */
  label: string;
  /** "user": under DATA_DIR; "project": the workspace root or a folder above it. */
  scope: "user" | "project";
  /** Bytes of the file. */
  bytes: number;
  /** Bytes that went into the prompt: less than `bytes` when the cap cut it, 0 when it was left out. */
  included: number;
  /** The text that went into the prompt. */
  text: string;
}

export interface LoadedInstructions {
  /** The files found, general first (user, then the git root down to the workspace). */
  files: InstructionFile[];
  /** The system prompt section ("" when there are no files). */
  section: string;
  /** The cap that applied (INSTRUCTIONS_MAX_BYTES). */
  maxBytes: number;
}

export interface InstructionSources {
  /** The workspace: its folder and those above it up to the git root are searched. */
  workspaceRoot: string;
  /** DATA_DIR: its AGENTS.md (or CLAUDE.md) holds the user's own instructions for every project. */
  dataDir: string;
  /** Most bytes of instruction text in the prompt; 0 reads none. */
  maxBytes: number;
}

/** Reads the instruction files now. Never throws: an unreadable file is left out. */
export function loadInstructions(sources: InstructionSources): LoadedInstructions {
  if (sources.maxBytes <= 0) return { files: [], section: "", maxBytes: 0 };
  // Most specific first, for the cap: the workspace's own file is the last to be cut.
  const candidates: Array<{ path: string; scope: InstructionFile["scope"] }> = [
    ...projectFolders(sources.workspaceRoot).flatMap((folder) => pick(folder, "project")),
    ...pick(sources.dataDir, "user"),
  ];
  let remaining = sources.maxBytes;
  const files: InstructionFile[] = [];
  for (const candidate of candidates) {
    let content: Buffer;
    try {
      content = readFileSync(candidate.path);
    } catch {
      continue;
    }
    const text = fitBytes(content, remaining);
    remaining -= Buffer.byteLength(text);
    files.push({
      path: candidate.path,
      label: candidate.scope === "user" ? candidate.path : labelFor(sources.workspaceRoot, candidate.path),
      scope: candidate.scope,
      bytes: content.length,
      included: Buffer.byteLength(text),
      text,
    });
  }
  files.reverse(); // general first in the prompt: later (more specific) files take precedence
  return { files, section: formatSection(files, sources.maxBytes), maxBytes: sources.maxBytes };
}

/** Holds the loaded instructions for a session; /init and /reload read them again. */
export class ProjectInstructions {
  private loaded: LoadedInstructions;

  constructor(private readonly sources: InstructionSources) {
    this.loaded = loadInstructions(sources);
  }

  get current(): LoadedInstructions {
    return this.loaded;
  }

  /** The AGENTS.md of the workspace root (written by /init). */
  get workspaceFile(): string {
    return join(this.sources.workspaceRoot, "AGENTS.md");
  }

  reload(): LoadedInstructions {
    this.loaded = loadInstructions(this.sources);
    return this.loaded;
  }
}

/** One line per file for the banner and /context: `AGENTS.md (2.1 KB)`, and what the cap cut. */
export function describeInstructionFiles(loaded: LoadedInstructions): string[] {
  return loaded.files.map((file) => {
    if (file.included === file.bytes) return `${file.label} (${formatBytes(file.bytes)})`;
    if (file.included === 0)
      return `${file.label} (${formatBytes(file.bytes)}, left out: over INSTRUCTIONS_MAX_BYTES=${loaded.maxBytes})`;
    return (
      `${file.label} (cut to ${formatBytes(file.included)} of ${formatBytes(file.bytes)} by ` +
      `INSTRUCTIONS_MAX_BYTES=${loaded.maxBytes})`
    );
  });
}

/** The workspace root and each folder above it up to the git root; only the workspace when not in a repo. */
function projectFolders(workspaceRoot: string): string[] {
  const folders: string[] = [];
  for (let folder = workspaceRoot; ; folder = dirname(folder)) {
    folders.push(folder);
    if (existsSync(join(folder, ".git"))) return folders;
    if (dirname(folder) === folder) return [workspaceRoot];
  }
}

function pick(folder: string, scope: InstructionFile["scope"]): Array<{ path: string; scope: typeof scope }> {
  for (const name of INSTRUCTION_FILE_NAMES) {
    const path = join(folder, name);
    try {
      if (statSync(path).isFile()) return [{ path, scope }];
    } catch {
      // absent: try the next name
    }
  }
  return [];
}

function labelFor(workspaceRoot: string, path: string): string {
  return relative(workspaceRoot, path) || path;
}

/** Fewer bytes than this of a cut file are left out rather than sent as a fragment. */
const MIN_FRAGMENT_BYTES = 64;

/** The longest start of `content` within `max` bytes, ending at a line break when one is near. */
function fitBytes(content: Buffer, max: number): string {
  if (content.length <= max) return content.toString("utf8");
  if (max < MIN_FRAGMENT_BYTES) return "";
  let text = content.subarray(0, max).toString("utf8");
  if (text.endsWith("\uFFFD")) text = text.slice(0, -1); // a character cut in two
  const lineEnd = text.lastIndexOf("\n");
  return lineEnd > text.length * 0.5 ? text.slice(0, lineEnd + 1) : text;
}

function formatSection(files: readonly InstructionFile[], maxBytes: number): string {
  const included = files.filter((file) => file.included > 0);
  if (included.length === 0) return "";
  const parts = [
    "# Project instructions\nFrom the instruction files below (general first; a later, more specific file " +
      "takes precedence). Follow them unless the user says otherwise.",
  ];
  for (const file of included) {
    const note =
      file.included < file.bytes
        ? `\n[cut here: ${file.bytes - file.included} of ${file.bytes} bytes left out to keep the instructions ` +
          `under ${maxBytes} bytes; read the file for the rest]`
        : "";
    parts.push(
      `## ${file.label}${file.scope === "user" ? " (the user's own, for every project)" : ""}\n${file.text.trimEnd()}${note}`,
    );
  }
  const left = files.filter((file) => file.included === 0);
  if (left.length)
    parts.push(`(Left out to keep under ${maxBytes} bytes: ${left.map((file) => file.label).join(", ")}.)`);
  return parts.join("\n\n");
}

function formatBytes(n: number): string {
  return n < 1024 ? `${n} B` : `${(n / 1024).toFixed(1)} KB`;
}
