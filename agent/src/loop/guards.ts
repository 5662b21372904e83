// Guards that keep a turn from running away: the same call three times in a row, or an A-B-A-B cycle.
// The first detection warns the model through an error result; repeating after that ends the turn.

/** Canonical form of a call: name plus arguments with keys sorted, so key order does not hide a repeat. */
export function callSignature(name: string, args: unknown): string {
  return `${name} ${canonicalJson(args)}`;
}

export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (value && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
  }
  return JSON.stringify(value) ?? "null";
}

export type RepeatVerdict = "ok" | "warn" | "stop";

export class RepeatGuard {
  private readonly recent: string[] = [];
  private warned = false;

  /** Records a call and judges it. Call once per tool call, in the order the model made them. */
  check(name: string, args: unknown): RepeatVerdict {
    this.recent.push(callSignature(name, args));
    if (this.recent.length > 4) this.recent.shift();
    if (!this.isRepeating()) return "ok";
    if (this.warned) return "stop";
    this.warned = true;
    return "warn";
  }

  private isRepeating(): boolean {
    const [a, b, c, d] = this.recent.slice(-4).reverse();
    const sameThrice = a !== undefined && a === b && b === c;
    const cycle = d !== undefined && a === c && b === d && a !== b;
    return sameThrice || cycle;
  }
}

export function repeatWarning(name: string): string {
  return (
    `Not run: you are repeating the same ${name} call (or cycling between two calls) and getting the same ` +
    "result. Change your approach, or answer the user with what you have. Repeating again ends the turn."
  );
}
