// Tells text from binary files (NUL bytes or invalid UTF-8 in the first 8 KB) and guesses a binary's type
// from its magic bytes, so read_file can refuse with something more useful than mojibake.

/** How many leading bytes decide whether a file is binary. */
export const SNIFF_BYTES = 8192;

const MAGIC: ReadonlyArray<{ type: string; bytes: number[] }> = [
  { type: "png image", bytes: [0x89, 0x50, 0x4e, 0x47] },
  { type: "jpeg image", bytes: [0xff, 0xd8, 0xff] },
  { type: "gif image", bytes: [0x47, 0x49, 0x46, 0x38] },
  { type: "pdf document", bytes: [0x25, 0x50, 0x44, 0x46] },
  { type: "zip archive", bytes: [0x50, 0x4b, 0x03, 0x04] },
  { type: "gzip archive", bytes: [0x1f, 0x8b] },
  { type: "ELF executable", bytes: [0x7f, 0x45, 0x4c, 0x46] },
];

/** True when `head` (the first bytes of a file) holds a NUL byte or is not valid UTF-8. */
export function isBinary(head: Uint8Array, isWholeFile: boolean): boolean {
  if (head.includes(0)) return true;
  try {
    // stream: true unless we hold the whole file, so a multi-byte character cut at the 8 KB edge is not an error.
    new TextDecoder("utf-8", { fatal: true }).decode(head, { stream: !isWholeFile });
    return false;
  } catch {
    return true;
  }
}

/** A short name for the kind of binary file `head` starts (png image, ELF executable...), else "binary". */
export function guessBinaryType(head: Uint8Array): string {
  const match = MAGIC.find((magic) => magic.bytes.every((byte, index) => head[index] === byte));
  return match?.type ?? "binary";
}

/** Sizes for humans: 512 B, 1.5 KB, 3.2 MB. */
export function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  if (bytes < 1024 * 1024 * 1024) return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
  return `${(bytes / 1024 / 1024 / 1024).toFixed(1)} GB`;
}
