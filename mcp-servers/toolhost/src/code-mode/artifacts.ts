// artifacts.save/load/list for run_code: named files in the workspace's .agent/artifacts/, a folder the toolhost
// owns (the model's write tools refuse .agent/). Names are validated and symlinks never followed, so nothing
// can leave that folder.
import { randomBytes } from "node:crypto";
import { constants } from "node:fs";
import { lstat, open, opendir, rename, rm } from "node:fs/promises";
import { CONTEXT_MAX_FILE_BYTES } from "../dynamic/tool-context.js";
import { formatSize } from "../file-kind.js";
import { ToolInputError } from "../tool-descriptor.js";
import type { Workspace } from "../workspace.js";
import { type ArtifactRequest, artifactResponseSchema } from "./protocol.js";

/** Where artifacts live, relative to the workspace root. */
export const ARTIFACTS_DIR = ".agent/artifacts";
const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;
/** Most artifacts list() returns. */
const MAX_LISTED = 1000;

/** One artifact as artifacts.list() returns it. */
export interface ArtifactEntry {
  /** Its name (a file in .agent/artifacts/). */
  name: string;
  /** Size in bytes. */
  size: number;
}

/** Checks an artifact name; throws a ToolInputError naming the rule for a bad one. */
export function artifactName(name: unknown): string {
  if (typeof name !== "string" || !NAME.test(name) || name.includes("..")) {
    throw new ToolInputError(
      `${JSON.stringify(name)} is not a valid artifact name: use 1-100 letters, digits, ".", "_" or "-", starting with a letter or digit (no "/" or "..").`,
    );
  }
  return name;
}

/** What save() stores: a string as is, any other value as JSON; at most CONTEXT_MAX_FILE_BYTES. */
function encode(name: string, data: unknown): Buffer {
  const content = Buffer.from(
    typeof data === "string" ? data : JSON.stringify(data ?? null, null, 2),
    "utf8",
  );
  if (content.length > CONTEXT_MAX_FILE_BYTES) {
    throw new ToolInputError(`artifact ${name} is over ${formatSize(CONTEXT_MAX_FILE_BYTES)}.`);
  }
  return content;
}

/** What load() returns: the text, parsed when the name ends in .json. */
function decode(name: string, text: string): unknown {
  if (!name.endsWith(".json")) return text;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new ToolInputError(`artifact ${name} is not valid JSON.`);
  }
}

function noSuchArtifact(name: string): ToolInputError {
  return new ToolInputError(`There is no artifact ${name}; artifacts.list() shows them.`);
}

async function save(directory: string, name: string, data: unknown): Promise<undefined> {
  const content = encode(name, data);
  // Written beside, then renamed over: a reader never sees half a file, and a symlink in its place is replaced.
  const temp = `${directory}/.${name}.${randomBytes(6).toString("hex")}.tmp`;
  const { O_WRONLY, O_CREAT, O_EXCL, O_NOFOLLOW } = constants;
  const file = await open(temp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, 0o644);
  try {
    await file.writeFile(content);
  } finally {
    await file.close();
  }
  await rename(temp, `${directory}/${name}`).catch(async (error: unknown) => {
    await rm(temp, { force: true });
    throw error;
  });
  return undefined;
}

async function load(directory: string, name: string): Promise<unknown> {
  const file = await open(`${directory}/${name}`, constants.O_RDONLY | constants.O_NOFOLLOW).catch(
    (error: unknown) => {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === "ENOENT") throw noSuchArtifact(name);
      if (code === "ELOOP") throw new ToolInputError(`artifact ${name} is a symlink, which is not followed.`);
      throw error;
    },
  );
  try {
    const stats = await file.stat();
    if (!stats.isFile()) throw new ToolInputError(`artifact ${name} is not a file.`);
    if (stats.size > CONTEXT_MAX_FILE_BYTES) {
      throw new ToolInputError(`artifact ${name} is over ${formatSize(CONTEXT_MAX_FILE_BYTES)}.`);
    }
    return decode(name, await file.readFile("utf8"));
  } finally {
    await file.close();
  }
}

async function list(directory: string): Promise<ArtifactEntry[]> {
  const entries: ArtifactEntry[] = [];
  for await (const entry of await opendir(directory)) {
    if (entries.length >= MAX_LISTED) break;
    if (!NAME.test(entry.name)) continue; // temp files start with "."
    const stats = await lstat(`${directory}/${entry.name}`).catch(() => undefined);
    if (stats?.isFile()) entries.push({ name: entry.name, size: stats.size });
  }
  return entries.sort((a, b) => a.name.localeCompare(b.name));
}

/** Runs artifactSave / artifactLoad / artifactList in the workspace's .agent/artifacts (created on first use). */
export async function runArtifactOperation(
  op: "artifactSave" | "artifactLoad" | "artifactList",
  params: Record<string, unknown>,
  workspace: Workspace,
): Promise<unknown> {
  const name = op === "artifactList" ? "" : artifactName(params.name);
  const directory = await workspace.openInternalDirectory(ARTIFACTS_DIR);
  try {
    switch (op) {
      case "artifactSave":
        return await save(directory.viaPath, name, params.data);
      case "artifactLoad":
        return await load(directory.viaPath, name);
      case "artifactList":
        return await list(directory.viaPath);
    }
  } finally {
    await directory.handle.close();
  }
}

/**
 * Runs artifactSave / artifactLoad / artifactList in the agent's shared store (ADR 019): the same names, sizes
 * and JSON rules as in the workspace, but the agent keeps the data, so every agent on the store sees it.
 */
export async function runSharedArtifactOperation(
  op: "artifactSave" | "artifactLoad" | "artifactList",
  params: Record<string, unknown>,
  ask: (request: ArtifactRequest) => Promise<Record<string, unknown>>,
): Promise<unknown> {
  const request: ArtifactRequest =
    op === "artifactList"
      ? { op: "list" }
      : op === "artifactSave"
        ? {
            op: "save",
            name: artifactName(params.name),
            text: encode(String(params.name), params.data).toString("utf8"),
          }
        : { op: "load", name: artifactName(params.name) };
  const parsed = artifactResponseSchema.safeParse(await ask(request));
  if (!parsed.success) throw new Error("the agent's answer to an artifacts call was malformed");
  const response = parsed.data;
  if (response.error !== undefined) throw new ToolInputError(response.error);
  switch (request.op) {
    case "save":
      return undefined;
    case "load":
      if (response.text === undefined) throw noSuchArtifact(request.name);
      return decode(request.name, response.text);
    case "list":
      return (response.entries ?? []).slice(0, MAX_LISTED);
  }
}
