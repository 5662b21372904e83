// The scrubber: every secret value the agent process knows, and the one pass that replaces them in any text.
// Fed by the keystore and the environment; applied to logs, tool results, session files and printed output.
import { encodedForms } from "./encoded-forms.js";
import { scrubDeep } from "./scrub-deep.js";

/** What a secret is replaced with. */
export const REDACTED = "[redacted]";

/** Values shorter than this are too likely to occur innocently (and too weak to be real keys). */
const MIN_SECRET_LENGTH = 8;

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/-]/g, "\\$&");
}

/** A growing set of secret values and a matcher over all their encoded forms. */
export class SecretSet {
  private readonly secrets = new Set<string>();
  private matcher: RegExp | undefined;
  private forms: string[] = [];

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
  }

  /** `text` with every known secret, in any of its encoded forms, replaced by `[redacted]`. */
  scrub(text: string): string {
    if (this.matcher === undefined || typeof text !== "string" || text.length < MIN_SECRET_LENGTH)
      return text;
    return text.replace(this.matcher, REDACTED);
  }

  /**
   * Length of the longest suffix of `text` that is the start (not the whole) of a secret form: what a stream
   * must hold back until the next piece shows whether a secret is being written.
   */
  partialSecretLength(text: string): number {
    let longest = 0;
    for (const form of this.forms) {
      const from = Math.max(0, text.length - form.length + 1);
      // Only positions that start with the form's first character can begin it.
      for (
        let start = text.indexOf(form[0] ?? "", from);
        start >= 0;
        start = text.indexOf(form[0] ?? "", start + 1)
      ) {
        const length = text.length - start;
        if (length <= longest) break;
        if (form.startsWith(text.slice(start))) {
          longest = length;
          break;
        }
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
