// A dynamic tool on disk: dynamic-tools/<name>/tool.json (name, description, parameters, sha256 of the code,
// createdAt) and index.ts. Read without following symlinks; written atomically (temp file or folder + rename).
import { createHash, randomBytes } from "node:crypto";
import { constants } from "node:fs";
import { mkdir, mkdtemp, open, rename, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { z } from "zod";

export const MANIFEST_FILE = "tool.json";
export const SOURCE_FILE = "index.ts";
const MAX_MANIFEST_BYTES = 64 * 1024;
const MAX_SOURCE_BYTES = 512 * 1024;

const manifestSchema = z.object({
  name: z.string(),
  description: z.string().min(1),
  parameters: z.record(z.string(), z.unknown()),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  createdAt: z.string(),
});

/** tool.json. */
export type ToolManifest = z.infer<typeof manifestSchema>;

/** What a tool folder holds. */
export interface ToolFolder {
  /** tool.json as written by create_tool. */
  manifest: ToolManifest;
  /** index.ts as it is on disk now. */
  code: string;
  /** sha256 of tool.json and index.ts together: changes when either file changes. */
  fingerprint: string;
}

export type ReadOutcome = { ok: true; folder: ToolFolder } | { ok: false; message: string };

/** Hex sha256 of a tool's code, as tool.json records it. */
export function sha256Of(text: string): string {
  return createHash("sha256").update(text, "utf8").digest("hex");
}

async function readSmallFile(file: string, maxBytes: number): Promise<string> {
  // O_NOFOLLOW: a symlinked index.ts must not make the toolhost read (and quote) a file elsewhere.
  const handle = await open(file, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  try {
    const stats = await handle.stat();
    if (!stats.isFile()) throw new Error(`${path.basename(file)} is not a regular file`);
    if (stats.size > maxBytes) throw new Error(`${path.basename(file)} is over ${maxBytes} bytes`);
    return await handle.readFile("utf8");
  } finally {
    await handle.close();
  }
}

function reasonOf(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === "ENOENT") return "is missing";
  if (code === "ELOOP") return "is a symlink, which is not allowed";
  return `cannot be read (${error instanceof Error ? error.message : String(error)})`;
}

/** Reads dynamic-tools/<name>/; never throws: a broken folder is a message for /tools. */
export async function readToolFolder(directory: string, name: string): Promise<ReadOutcome> {
  const folder = path.join(directory, name);
  let manifestText: string;
  let code: string;
  try {
    manifestText = await readSmallFile(path.join(folder, MANIFEST_FILE), MAX_MANIFEST_BYTES);
  } catch (error) {
    return { ok: false, message: `${MANIFEST_FILE} ${reasonOf(error)}` };
  }
  try {
    code = await readSmallFile(path.join(folder, SOURCE_FILE), MAX_SOURCE_BYTES);
  } catch (error) {
    return { ok: false, message: `${SOURCE_FILE} ${reasonOf(error)}` };
  }
  let json: unknown;
  try {
    json = JSON.parse(manifestText);
  } catch (error) {
    return { ok: false, message: `${MANIFEST_FILE} is not valid JSON (${(error as Error).message})` };
  }
  const parsed = manifestSchema.safeParse(json);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((issue) => `${issue.path.join(".") || "root"}: ${issue.message}`);
    return { ok: false, message: `${MANIFEST_FILE} is malformed (${issues.join("; ")})` };
  }
  if (parsed.data.name !== name) {
    return {
      ok: false,
      message: `${MANIFEST_FILE} names the tool "${parsed.data.name}" but its folder is "${name}"; rename one to match`,
    };
  }
  return {
    ok: true,
    folder: { manifest: parsed.data, code, fingerprint: sha256Of(`${manifestText}\0${code}`) },
  };
}

function temporaryName(base: string): string {
  return `.${base}.tmp-${randomBytes(4).toString("hex")}`;
}

/**
 * Writes a tool folder so a reader never sees half of it: a new tool is built in a hidden temp folder and
 * renamed into place; an existing one (overwrite) gets each file through temp + rename, code first.
 */
export async function writeToolFolder(
  directory: string,
  manifest: ToolManifest,
  code: string,
): Promise<void> {
  await mkdir(directory, { recursive: true });
  const manifestText = `${JSON.stringify(manifest, null, 2)}\n`;
  const target = path.join(directory, manifest.name);
  const staging = await mkdtemp(path.join(directory, `.new-${manifest.name}-`));
  try {
    await writeFile(path.join(staging, SOURCE_FILE), code, { mode: 0o644 });
    await writeFile(path.join(staging, MANIFEST_FILE), manifestText, { mode: 0o644 });
    try {
      await rename(staging, target);
      return;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== "ENOTEMPTY" && code !== "EEXIST") throw error;
    }
    for (const file of [SOURCE_FILE, MANIFEST_FILE]) {
      const temporary = path.join(target, temporaryName(file));
      await rename(path.join(staging, file), temporary);
      await rename(temporary, path.join(target, file));
    }
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}
