// read_file: a window of a text file by 1-based line offset and limit, capped at 2,000 lines or 48 KB with a
// notice giving the next offset; binary files and directories are refused with something useful to do instead.
import type { FileHandle } from "node:fs/promises";
import { z } from "zod";
import { formatSize, guessBinaryType, isBinary, SNIFF_BYTES } from "../file-kind.js";
import { READ_MAX_BYTES } from "../result-budget.js";
import { type ToolDescriptor, ToolInputError } from "../tool-descriptor.js";
import type { Workspace } from "../workspace.js";

/** Most lines one call returns. */
export const READ_MAX_LINES = 2000;
// Counting the lines after the window is cheap, but not free: past this size the total is left out.
const COUNT_ALL_LINES_UP_TO = 64 * 1024 * 1024;
const CHUNK_BYTES = 64 * 1024;

export interface ReadFileDeps {
  /** Where files are read from. */
  workspace: Workspace;
}

const inputShape = {
  path: z.string().describe("File path."),
  offset: z.number().int().min(1).optional().describe("First line to read, 1-based."),
  limit: z.number().int().min(1).optional().describe(`Lines to read (at most ${READ_MAX_LINES}).`),
};

interface Window {
  /** The lines of the window, without line terminators. */
  lines: string[];
  /** Lines in the whole file; only known when `stoppedEarly` is false. */
  linesSeen: number;
  /** True when reading stopped at the line limit or the byte cap before the end of the file. */
  stoppedEarly: boolean;
  /** True when the first line alone was over the byte cap and was cut. */
  longLineCut: boolean;
}

// Streams the file through its handle, collecting lines [offset, offset + limit) within the byte cap.
async function readWindow(handle: FileHandle, offset: number, limit: number): Promise<Window> {
  const lines: string[] = [];
  let bytes = 0;
  let lineNumber = 1;
  let partial: Buffer[] = [];
  let partialLength = 0;
  let longLineCut = false;
  let position = 0;
  const buffer = Buffer.alloc(CHUNK_BYTES);
  const take = (line: Buffer): boolean => {
    if (lineNumber < offset) return true;
    if (lines.length >= limit) return false;
    if (bytes + line.length + 1 > READ_MAX_BYTES) {
      if (lines.length > 0) return false;
      longLineCut = true;
      lines.push(
        line
          .subarray(0, READ_MAX_BYTES)
          .toString("utf8")
          .replace(/\uFFFD$/, ""),
      );
      return false;
    }
    lines.push(line.toString("utf8").replace(/\r$/, ""));
    bytes += line.length + 1;
    return true;
  };
  const stop = (): Window => ({ lines, linesSeen: lineNumber, stoppedEarly: true, longLineCut });
  for (;;) {
    const { bytesRead } = await handle.read(buffer, 0, CHUNK_BYTES, position);
    if (bytesRead === 0) break;
    position += bytesRead;
    let start = 0;
    for (;;) {
      const newline = buffer.indexOf(10, start);
      if (newline === -1 || newline >= bytesRead) break;
      const piece = buffer.subarray(start, newline);
      const line = partialLength === 0 ? Buffer.from(piece) : Buffer.concat([...partial, piece]);
      partial = [];
      partialLength = 0;
      start = newline + 1;
      if (!take(line)) return stop();
      lineNumber += 1;
    }
    // Keep at most one cap's worth of an unfinished line: more could never be shown.
    if (partialLength <= READ_MAX_BYTES) partial.push(Buffer.from(buffer.subarray(start, bytesRead)));
    partialLength += bytesRead - start;
  }
  if (partialLength === 0) return { lines, linesSeen: lineNumber - 1, stoppedEarly: false, longLineCut };
  if (!take(Buffer.concat(partial))) return stop();
  return { lines, linesSeen: lineNumber, stoppedEarly: false, longLineCut };
}

async function countLines(handle: FileHandle): Promise<number> {
  const buffer = Buffer.alloc(CHUNK_BYTES);
  let count = 0;
  let position = 0;
  let last = 10;
  for (;;) {
    const { bytesRead } = await handle.read(buffer, 0, CHUNK_BYTES, position);
    if (bytesRead === 0) break;
    position += bytesRead;
    for (
      let index = buffer.indexOf(10);
      index !== -1 && index < bytesRead;
      index = buffer.indexOf(10, index + 1)
    ) {
      count += 1;
    }
    last = buffer[bytesRead - 1] ?? 10;
  }
  return last === 10 ? count : count + 1;
}

/** Creates the read_file tool. */
export function createReadFileTool(deps: ReadFileDeps): ToolDescriptor<typeof inputShape> {
  return {
    name: "read_file",
    description: `Read a text file. Returns at most ${READ_MAX_LINES} lines or ${READ_MAX_BYTES / 1024} KB; use offset/limit for more.`,
    inputShape,
    async handler(args) {
      const opened = await deps.workspace.openFile(args.path, "read");
      try {
        const { handle, stats } = opened;
        const head = Buffer.alloc(Math.min(SNIFF_BYTES, stats.size));
        await handle.read(head, 0, head.length, 0);
        if (isBinary(head, stats.size <= SNIFF_BYTES)) {
          throw new ToolInputError(
            `${args.path} is a binary file (${guessBinaryType(head)}, ${formatSize(stats.size)}); ` +
              "read_file only returns text. Inspect it with shell (file, xxd | head) instead.",
          );
        }
        if (stats.size === 0) return { text: `(${args.path} is empty)` };
        const offset = args.offset ?? 1;
        const limit = Math.min(args.limit ?? READ_MAX_LINES, READ_MAX_LINES);
        const window = await readWindow(handle, offset, limit);
        if (window.lines.length === 0) {
          throw new ToolInputError(
            `offset ${offset} is past the end of ${args.path} (${window.linesSeen} lines); use a smaller offset.`,
          );
        }
        const lastLine = offset + window.lines.length - 1;
        const total = !window.stoppedEarly
          ? window.linesSeen
          : stats.size <= COUNT_ALL_LINES_UP_TO
            ? await countLines(handle)
            : undefined;
        const notes: string[] = [];
        if (window.longLineCut) {
          notes.push(
            `Line ${offset} is longer than ${READ_MAX_BYTES / 1024} KB and was cut; see the rest with shell: ` +
              `sed -n '${offset}p' ${JSON.stringify(args.path)} | cut -b ${READ_MAX_BYTES + 1}-.`,
          );
        }
        if (total === undefined || lastLine < total) {
          const of = total === undefined ? "" : ` of ${total}`;
          notes.push(`Showing lines ${offset}-${lastLine}${of}. Use offset=${lastLine + 1} to continue.`);
        }
        const text = window.lines.join("\n");
        return { text: notes.length === 0 ? text : `${text}\n\n[${notes.join(" ")}]` };
      } finally {
        await opened.handle.close();
      }
    },
  };
}
