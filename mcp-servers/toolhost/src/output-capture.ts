// Bounded capture of a command's output: the first and last 20 KB in memory, everything (up to a cap) streamed
// to a spill file in .agent/logs/ the model can read_file, so a flood never grows the toolhost's memory.
import type { FileHandle } from "node:fs/promises";
import { formatSize } from "./file-kind.js";
import { OUTPUT_END_BYTES, OUTPUT_WHOLE_BYTES } from "./result-budget.js";

/** Bytes of output returned whole; more is shown as head and tail. */
export const OUTPUT_LIMIT_BYTES = OUTPUT_WHOLE_BYTES;
const HEAD_BYTES = OUTPUT_END_BYTES;
const TAIL_BYTES = OUTPUT_END_BYTES;
/** Most bytes written to one spill file. */
export const SPILL_MAX_BYTES = 64 * 1024 * 1024;

/** Where spilled output goes: a fresh file and how the model can name it. */
export interface SpillTarget {
  /** Opens a new, empty spill file. */
  open: () => Promise<FileHandle>;
  /** Its path relative to the workspace root, for the model. */
  relativePath: string;
}

/** Collects output chunks; `write` awaits the spill file, so awaiting it applies backpressure. */
export class OutputCapture {
  private total = 0;
  private early: Buffer[] = [];
  private head: Buffer[] = [];
  private headBytes = 0;
  private tail: Buffer[] = [];
  private tailBytes = 0;
  private spill: FileHandle | undefined;
  private spillBytes = 0;
  private spillProblem: string | undefined;

  constructor(private readonly spillTarget: SpillTarget) {}

  /** Total bytes seen. */
  get totalBytes(): number {
    return this.total;
  }

  async write(chunk: Buffer): Promise<void> {
    this.total += chunk.length;
    if (this.headBytes < HEAD_BYTES) {
      const part = chunk.subarray(0, HEAD_BYTES - this.headBytes);
      this.head.push(part);
      this.headBytes += part.length;
    }
    this.tail.push(chunk);
    this.tailBytes += chunk.length;
    while (this.tail.length > 1 && this.tailBytes - (this.tail[0]?.length ?? 0) >= TAIL_BYTES) {
      this.tailBytes -= this.tail.shift()?.length ?? 0;
    }
    if (this.spillProblem !== undefined) return;
    if (this.spill === undefined && this.total <= OUTPUT_LIMIT_BYTES) {
      this.early.push(chunk);
      return;
    }
    if (this.spill === undefined) {
      try {
        this.spill = await this.spillTarget.open();
      } catch (error) {
        // Output keeps flowing (head and tail still work); only the full log is lost, and the note says so.
        this.spillProblem = error instanceof Error ? error.message : String(error);
        this.early = [];
        return;
      }
      const pending = Buffer.concat([...this.early, chunk]);
      this.early = [];
      await this.toSpill(pending);
      return;
    }
    await this.toSpill(chunk);
  }

  /** Closes the spill file, if any. Must not throw. */
  async close(): Promise<void> {
    await this.spill?.close().catch(() => undefined);
  }

  /** The text for the model: all output, or head + a note naming the spill file + tail. */
  render(): string {
    if (this.spill === undefined && this.spillProblem === undefined) {
      return Buffer.concat(this.early).toString("utf8");
    }
    const head = cutAtLastNewline(Buffer.concat(this.head).toString("utf8"));
    const tailBuffer = Buffer.concat(this.tail);
    const tail = cutAtFirstNewline(
      tailBuffer.subarray(Math.max(0, tailBuffer.length - TAIL_BYTES)).toString("utf8"),
    );
    const logged =
      this.spillProblem !== undefined
        ? `the full log could not be written (${this.spillProblem})`
        : this.spillBytes < this.total
          ? `the first ${formatSize(this.spillBytes)} are in ${this.spillTarget.relativePath}`
          : `the full log is in ${this.spillTarget.relativePath}`;
    const note = `[Output was ${formatSize(this.total)}; showing the first and last ${TAIL_BYTES / 1024} KB. ${logged} (read_file it with offset/limit, or grep it).]`;
    return `${head}\n\n${note}\n\n${tail}`;
  }

  private async toSpill(data: Buffer): Promise<void> {
    const room = SPILL_MAX_BYTES - this.spillBytes;
    if (room <= 0 || this.spill === undefined) return;
    const part = data.subarray(0, room);
    try {
      await this.spill.write(part);
      this.spillBytes += part.length;
    } catch (error) {
      this.spillProblem = error instanceof Error ? error.message : String(error);
    }
  }
}

// Cut the head at a line boundary (when one is near the end), dropping a split UTF-8 character.
function cutAtLastNewline(text: string): string {
  const newline = text.lastIndexOf("\n");
  const cut = newline >= text.length - 2048 && newline > 0 ? text.slice(0, newline) : text;
  return cut.replace(/\uFFFD+$/, "");
}

function cutAtFirstNewline(text: string): string {
  const newline = text.indexOf("\n");
  const cut = newline !== -1 && newline < 2048 ? text.slice(newline + 1) : text;
  return cut.replace(/^\uFFFD+/, "");
}
