// The scrubber: every secret value the agent process knows, and the passes that replace them in any text: in
// any common encoding, folded or wrapped into lines, as hex apart or in a dump, and in pieces of 16 characters.
// Fed by the keystore and the environment; applied to logs, tool results, session files and printed output.
import { hexSpans, type Span, wrappedSpans } from "./broken-forms.js";
import { encodedForms } from "./encoded-forms.js";
import { scrubDeep } from "./scrub-deep.js";

/** What a secret is replaced with. */
export const REDACTED = "[redacted]";

/** Values shorter than this are too likely to occur innocently (and too weak to be real keys). */
const MIN_SECRET_LENGTH = 8;
/**
 * A run of this many characters of a secret (without whitespace: a passphrase's words occur innocently) is
 * redacted with whatever of the secret continues on either side of it.
 */
const FRAGMENT_LENGTH = 16;

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/-]/g, "\\$&");
}

/** Where a fragment window sits: in which secret, at which offset. */
interface WindowPlace {
  secret: string;
  offset: number;
}

/** A growing set of secret values and a matcher over all their encoded forms. */
export class SecretSet {
  private readonly secrets = new Set<string>();
  private matcher: RegExp | undefined;
  /** Every form of every secret, longest first (for a stream's hold-back). */
  private forms: string[] = [];
  /** The same forms, in either case, for text whose line breaks were taken out. */
  private joinedMatcher: RegExp | undefined;
  /** The secrets themselves, for the bytes of hex runs. */
  private rawMatcher: RegExp | undefined;
  private fragments: { matcher: RegExp; places: Map<string, WindowPlace[]> } | undefined;

  constructor(values: Iterable<string> = []) {
    for (const value of values) this.add(value);
  }

  /** Number of secrets held (each counted once, whatever its encodings). */
  get size(): number {
    return this.secrets.size;
  }

  /** Remembers `value` (trimmed); ignores non-strings and values shorter than 8 characters. */
  add(value: string): void {
    if (typeof value !== "string") return;
    const secret = value.trim();
    if (secret.length < MIN_SECRET_LENGTH || this.secrets.has(secret)) return;
    this.secrets.add(secret);
    this.matcher = this.buildMatcher();
    this.joinedMatcher = new RegExp(this.matcher.source, "gi");
    const raw = [...this.secrets].sort((a, b) => b.length - a.length).map(escapeRegExp);
    this.rawMatcher = new RegExp(raw.join("|"), "g");
    this.fragments = this.buildFragments();
  }

  /** `text` with every known secret, in any of its encoded forms, replaced by `[redacted]`. */
  scrub(text: string): string {
    if (this.matcher === undefined || typeof text !== "string" || text.length < MIN_SECRET_LENGTH)
      return text;
    const literal = text.replace(this.matcher, REDACTED);
    const spans = [
      ...wrappedSpans(literal, this.joinedMatcher ?? this.matcher),
      ...hexSpans(literal, (bytes) => this.rawSpans(bytes)),
      ...this.fragmentSpans(literal),
    ];
    return spans.length === 0 ? literal : redactSpans(literal, spans);
  }

  /**
   * Length of the longest suffix of `text` that, line breaks and spaces left out, is part of a secret form:
   * what a stream must hold back until the next piece shows whether a secret (or, for the fragment rule, 16 of
   * its characters) is being written. Growing a suffix that is not part of a form never makes it one, so each
   * form is walked back only as far as it matches.
   */
  partialSecretLength(text: string): number {
    let longest = 0;
    for (const form of this.forms) {
      let written = "";
      for (let start = text.length - 1; start >= 0; start--) {
        const char = text[start] ?? "";
        if (/\s/.test(char)) continue;
        written = char + written;
        if (written.length >= form.length || !form.includes(written)) break;
        longest = Math.max(longest, text.length - start);
      }
    }
    return longest;
  }

  /** A scrubbed copy of any value (objects, arrays, errors with headers and causes); the input is untouched. */
  scrubDeep(value: unknown): unknown {
    if (this.matcher === undefined) return value;
    return scrubDeep(value, (text) => this.scrub(text));
  }

  /** One alternation of every form of every secret, longest first so the widest match wins. */
  private buildMatcher(): RegExp {
    const forms = new Set<string>();
    for (const secret of this.secrets) for (const form of encodedForms(secret)) forms.add(form);
    this.forms = [...forms].sort((a, b) => b.length - a.length);
    const alternatives = this.forms.map(escapeRegExp);
    return new RegExp(alternatives.join("|"), "g");
  }

  /** Every FRAGMENT_LENGTH-character window of every secret, without whitespace, and where each sits. */
  private buildFragments(): SecretSet["fragments"] {
    const places = new Map<string, WindowPlace[]>();
    for (const secret of this.secrets) {
      for (let offset = 0; offset + FRAGMENT_LENGTH <= secret.length; offset++) {
        const window = secret.slice(offset, offset + FRAGMENT_LENGTH);
        if (/\s/.test(window)) continue;
        places.set(window, [...(places.get(window) ?? []), { secret, offset }]);
      }
    }
    if (places.size === 0) return undefined;
    const alternatives = [...places.keys()].map(escapeRegExp);
    return { matcher: new RegExp(alternatives.join("|"), "g"), places };
  }

  /** Spans of whole secrets and of their fragments in `text` (the bytes of a hex run, as latin1). */
  private rawSpans(text: string): Span[] {
    const whole: Span[] = [...text.matchAll(this.rawMatcher ?? /$^/g)].map((m) => [
      m.index,
      m.index + m[0].length,
    ]);
    return [...whole, ...this.fragmentSpans(text)];
  }

  /** Each run of FRAGMENT_LENGTH or more characters of a secret, extended as far as it goes. */
  private fragmentSpans(text: string): Span[] {
    if (this.fragments === undefined) return [];
    const spans: Span[] = [];
    for (const match of text.matchAll(this.fragments.matcher)) {
      let start = match.index;
      let end = start + FRAGMENT_LENGTH;
      for (const { secret, offset } of this.fragments.places.get(match[0]) ?? []) {
        let left = 0;
        while (left < offset && text[match.index - left - 1] === secret[offset - left - 1]) left++;
        let right = 0;
        const after = offset + FRAGMENT_LENGTH;
        while (
          after + right < secret.length &&
          text[match.index + FRAGMENT_LENGTH + right] === secret[after + right]
        )
          right++;
        start = Math.min(start, match.index - left);
        end = Math.max(end, match.index + FRAGMENT_LENGTH + right);
      }
      spans.push([start, end]);
    }
    return spans;
  }
}

/** `text` with every span (merged where they overlap or touch) replaced by one `[redacted]`. */
function redactSpans(text: string, spans: Span[]): string {
  spans.sort((a, b) => a[0] - b[0]);
  let out = "";
  let from = 0;
  let current: Span | undefined;
  for (const span of spans) {
    if (current && span[0] <= current[1]) {
      current[1] = Math.max(current[1], span[1]);
      continue;
    }
    if (current) {
      out += text.slice(from, current[0]) + REDACTED;
      from = current[1];
    }
    current = [span[0], span[1]];
  }
  if (current) {
    out += text.slice(from, current[0]) + REDACTED;
    from = current[1];
  }
  return out + text.slice(from);
}

/** Names of environment variables whose values are secrets (`OPENAI_API_KEY`, `GITHUB_TOKEN`, ...). */
const SECRET_NAME = /(^|_)(API_KEY|KEY|TOKEN|SECRET|PASSWORD)$/i;

/** Values (at least 8 characters) of the variables in `env` whose names look secret. */
export function collectEnvSecrets(env: NodeJS.ProcessEnv): string[] {
  const values: string[] = [];
  for (const [name, value] of Object.entries(env)) {
    if (value === undefined || !SECRET_NAME.test(name)) continue;
    const trimmed = value.trim();
    if (trimmed.length >= MIN_SECRET_LENGTH) values.push(trimmed);
  }
  return values;
}
