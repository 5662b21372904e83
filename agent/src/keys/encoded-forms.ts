// Every textual form a secret commonly takes on its way out: raw, JSON-escaped, URL-encoded, hex, base64 and
// base32. The scrubber matches them as they are, folded into lines (broken-forms.ts) and hex with separators.

const toUrlSafeBase64 = (s: string) => s.replaceAll("+", "-").replaceAll("/", "_");

const BASE32_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/** RFC 4648 base32, without padding. */
function base32(bytes: Buffer): string {
  let bits = 0;
  let value = 0;
  let out = "";
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += BASE32_ALPHABET[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
    value &= (1 << bits) - 1;
  }
  if (bits > 0) out += BASE32_ALPHABET[(value << (5 - bits)) & 31];
  return out;
}

/**
 * The characters of an encoding with `bitsPerChar` bits per character that depend only on the secret when it
 * sits at byte `offset` of a longer payload (`Basic base64("user:" + secret)` puts it at any offset): the
 * characters at either edge mix in neighbouring bytes, so they are left out.
 */
function encodedCore(
  bytes: Buffer,
  offset: number,
  bitsPerChar: number,
  encode: (b: Buffer) => string,
): string {
  const encoded = encode(Buffer.concat([Buffer.alloc(offset), bytes]));
  const first = Math.ceil((offset * 8) / bitsPerChar);
  const last = Math.floor(((offset + bytes.length) * 8 - bitsPerChar) / bitsPerChar);
  return encoded.slice(first, last + 1);
}

/** Percent-encoding with lower-case hex digits, which some encoders emit (`%2f` instead of `%2F`). */
function lowerPercent(encoded: string): string {
  return encoded.replace(/%[0-9A-F]{2}/g, (percent) => percent.toLowerCase());
}

/**
 * The distinct forms of `secret` to look for, longest first (so an overlapping longer match wins): hex and
 * base32 in both cases. Forms shorter than 8 characters are dropped: they would match innocent text.
 */
export function encodedForms(secret: string): string[] {
  const bytes = Buffer.from(secret, "utf8");
  const uri = encodeURIComponent(secret);
  const form = new URLSearchParams({ v: secret }).toString().slice(2);
  const hex = bytes.toString("hex");
  const forms = [
    secret,
    JSON.stringify(secret).slice(1, -1),
    uri,
    lowerPercent(uri),
    form,
    lowerPercent(form),
    hex,
    hex.toUpperCase(),
  ];
  for (const offset of [0, 1, 2]) {
    const core = encodedCore(bytes, offset, 6, (b) => b.toString("base64"));
    forms.push(core, toUrlSafeBase64(core));
  }
  for (const offset of [0, 1, 2, 3, 4]) {
    const core = encodedCore(bytes, offset, 5, base32);
    forms.push(core, core.toLowerCase());
  }
  return [...new Set(forms)].filter((f) => f.length >= 8).sort((a, b) => b.length - a.length);
}
