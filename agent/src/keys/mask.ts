// A hint that tells keys apart in `/key list` without revealing them: `sk-…abcd`.
// Reveals a well-known public prefix and at most the last 4 characters, and less for short keys.

/** Public prefixes providers put on their keys; longest first so `sk-or-` wins over `sk-`. */
const KNOWN_PREFIXES = ["sk-proj-", "sk-ant-", "sk-or-", "sk-", "gsk_", "xai-", "hf_"] as const;

/**
 * Masks a key for display. At least 16 secret characters (after the prefix): prefix + `…` + last 4.
 * 8 to 15: `…` + last 2. Shorter: `…` alone. Never throws.
 */
export function maskKey(key: string): string {
  const trimmed = key.trim();
  const prefix = KNOWN_PREFIXES.find((p) => trimmed.startsWith(p)) ?? "";
  const secretPart = trimmed.slice(prefix.length);
  if (secretPart.length >= 16) return `${prefix}…${secretPart.slice(-4)}`;
  if (secretPart.length >= 8) return `…${secretPart.slice(-2)}`;
  return "…";
}
