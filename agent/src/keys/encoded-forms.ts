// Every textual form a secret commonly takes on its way out: raw, JSON-escaped, URL-encoded, hex, base64.
// The scrubber matches all of them, so a key cannot slip through inside an Authorization header or a URL.

const toUrlSafeBase64 = (s: string) => s.replaceAll("+", "-").replaceAll("/", "_");

/**
 * The base64 characters that depend only on the secret when it sits at byte `offset` (0, 1 or 2) of a longer
 * payload: `Basic base64("user:" + secret)` puts it at any offset modulo 3, and the characters at either
 * edge mix in neighbouring bytes, so they are left out.
 */
function base64Core(bytes: Buffer, offset: number): string {
  const padded = Buffer.concat([Buffer.alloc(offset), bytes]);
  const encoded = padded.toString("base64");
  const firstBit = offset * 8;
  const endBit = (offset + bytes.length) * 8;
  const first = Math.ceil(firstBit / 6);
  const last = Math.floor((endBit - 6) / 6);
  return encoded.slice(first, last + 1);
}

/** Percent-encoding with lower-case hex digits, which some encoders emit (`%2f` instead of `%2F`). */
function lowerPercent(encoded: string): string {
  return encoded.replace(/%[0-9A-F]{2}/g, (percent) => percent.toLowerCase());
}

/**
 * The distinct forms of `secret` to look for, longest first (so an overlapping longer match wins).
 * Forms shorter than 8 characters are dropped: they would match innocent text.
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
    const core = base64Core(bytes, offset);
    forms.push(core, toUrlSafeBase64(core));
  }
  return [...new Set(forms)].filter((f) => f.length >= 8).sort((a, b) => b.length - a.length);
}
