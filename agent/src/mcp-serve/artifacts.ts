// Artifacts as MCP resources: the files under the workspace's `.agent/artifacts/`, listed and read by the agent
// from its side of the mount. Names are checked, no symlink is followed and reads are capped, so a file the
// sandbox planted can never make the agent read something outside that folder.
import { constants, promises as fs } from "node:fs";
import { extname } from "node:path";
import { namedError } from "@ts-coding-agent/mcp-kit/named-error";
import { openPinnedDirectory } from "../pinned-directory.js";

/** Artifacts are named `artifact:///<path under .agent/artifacts>`. */
export const ARTIFACT_URI_PREFIX = "artifact:///";
export const ARTIFACTS_DIR = [".agent", "artifacts"] as const;
/** Larger files are refused (a resource read is one message). */
export const MAX_ARTIFACT_BYTES = 8 * 1024 * 1024;
const MAX_LISTED = 500;
const MAX_DEPTH = 4;
/** A file or folder name: no leading dot (no `..`, no hidden files), no separators, no control characters. */
const SAFE_SEGMENT = /^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$/;

export interface ArtifactEntry {
  /** Path under `.agent/artifacts/`, `/`-separated. */
  name: string;
  uri: string;
  mimeType: string;
  size: number;
}

/** What a read returns: text for UTF-8 files, base64 bytes for anything else. */
export type ArtifactContent =
  | { kind: "text"; uri: string; mimeType: string; text: string }
  | { kind: "blob"; uri: string; mimeType: string; bytes: Buffer };

/** A resource URI that is not an artifact, or an artifact that cannot be read; the message says why. */
export class ArtifactError extends namedError("ArtifactError") {
  constructor(
    message: string,
    /** `not-found` for a well-formed name with no readable file behind it. */
    readonly reason: "bad-uri" | "not-found" | "too-large",
  ) {
    super(message);
  }
}

const MIME_TYPES: Record<string, string> = {
  ".json": "application/json",
  ".md": "text/markdown",
  ".txt": "text/plain",
  ".log": "text/plain",
  ".csv": "text/csv",
  ".html": "text/html",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".jpg": "image/jpeg",
  ".jpeg": "image/jpeg",
  ".pdf": "application/pdf",
  ".ts": "text/x-typescript",
  ".js": "text/javascript",
  ".py": "text/x-python",
};

export function artifactMimeType(name: string): string {
  return MIME_TYPES[extname(name).toLowerCase()] ?? "application/octet-stream";
}

/** Every regular file with a safe name, sorted, at most 500, at most 4 folders deep. Never throws. */
export async function listArtifacts(workspaceRoot: string): Promise<ArtifactEntry[]> {
  const found: ArtifactEntry[] = [];
  const visit = async (segments: string[]): Promise<void> => {
    const dir = await openPinnedDirectory(workspaceRoot, [...ARTIFACTS_DIR, ...segments]);
    if (dir === undefined) return;
    try {
      const entries = await fs.readdir(dir.path, { withFileTypes: true }).catch(() => []);
      entries.sort((a, b) => a.name.localeCompare(b.name));
      for (const entry of entries) {
        if (found.length >= MAX_LISTED || !SAFE_SEGMENT.test(entry.name)) continue;
        const path = [...segments, entry.name];
        if (entry.isDirectory() && segments.length < MAX_DEPTH) await visit(path);
        if (!entry.isFile()) continue; // symlinks, sockets and FIFOs are never served
        const info = await fs.lstat(`${dir.path}/${entry.name}`).catch(() => undefined);
        if (!info?.isFile()) continue;
        const name = path.join("/");
        found.push({ name, uri: artifactUri(name), mimeType: artifactMimeType(name), size: info.size });
      }
    } finally {
      await dir.close();
    }
  };
  await visit([]);
  return found;
}

export function artifactUri(name: string): string {
  return `${ARTIFACT_URI_PREFIX}${name}`;
}

/** The path segments an artifact URI names; throws ArtifactError("bad-uri") for anything else. */
export function artifactSegments(uri: string): string[] {
  if (!uri.startsWith(ARTIFACT_URI_PREFIX)) {
    throw new ArtifactError(
      `Unknown resource "${uri}": artifacts are named ${ARTIFACT_URI_PREFIX}<name>.`,
      "bad-uri",
    );
  }
  const segments = uri.slice(ARTIFACT_URI_PREFIX.length).split("/");
  if (segments.length > MAX_DEPTH + 1 || !segments.every((s) => SAFE_SEGMENT.test(s))) {
    throw new ArtifactError(
      `Invalid artifact name "${uri.slice(ARTIFACT_URI_PREFIX.length)}": use names of letters, digits, '.', '_' and '-' (no leading dot), at most ${MAX_DEPTH} folders deep.`,
      "bad-uri",
    );
  }
  return segments;
}

/** Reads one artifact without following symlinks; throws ArtifactError when it cannot. */
export async function readArtifact(workspaceRoot: string, uri: string): Promise<ArtifactContent> {
  const segments = artifactSegments(uri);
  const file = segments.pop() ?? "";
  const name = [...segments, file].join("/");
  const missing = () => new ArtifactError(`No artifact "${name}" in .agent/artifacts/.`, "not-found");
  const dir = await openPinnedDirectory(workspaceRoot, [...ARTIFACTS_DIR, ...segments]);
  if (dir === undefined) throw missing();
  let bytes: Buffer;
  try {
    // O_NONBLOCK: a FIFO planted under the name must not hang the open.
    const flags = constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK;
    const handle = await fs.open(`${dir.path}/${file}`, flags).catch(() => undefined);
    if (handle === undefined) throw missing();
    try {
      const info = await handle.stat();
      if (!info.isFile()) throw missing();
      if (info.size > MAX_ARTIFACT_BYTES) {
        throw new ArtifactError(
          `Artifact "${name}" is ${info.size} bytes; at most ${MAX_ARTIFACT_BYTES} are served. Read it with read_file.`,
          "too-large",
        );
      }
      bytes = await handle.readFile();
    } finally {
      await handle.close();
    }
  } finally {
    await dir.close();
  }
  const mimeType = artifactMimeType(name);
  const text = utf8Text(bytes);
  return text === undefined ? { kind: "blob", uri, mimeType, bytes } : { kind: "text", uri, mimeType, text };
}

function utf8Text(bytes: Buffer): string | undefined {
  if (bytes.includes(0)) return undefined;
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    return undefined;
  }
}
