// Applies a string scrubber to every string inside a value (objects, arrays, maps, errors) without mutating it.
// Errors stay errors (same prototype) so pino's err serializer and `instanceof` checks still work on the copy.

/** How deep to follow nesting; beyond it values are replaced, since they could hold anything. */
const MAX_DEPTH = 32;
const TOO_DEEP = "[nested too deep]";

type ScrubString = (text: string) => string;

/** A Fetch `Headers`-like object: its entries live in private state that copying own properties would miss. */
function isHeadersLike(value: object): value is { forEach(cb: (v: string, k: string) => void): void } {
  return (
    typeof (value as { forEach?: unknown }).forEach === "function" &&
    typeof (value as { get?: unknown }).get === "function" &&
    typeof (value as { has?: unknown }).has === "function" &&
    !(value instanceof Map)
  );
}

function isPlainObject(value: object): boolean {
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/**
 * Returns a copy of `value` with `scrub` applied to every string and object key. Cycles are preserved;
 * primitives other than strings, functions, dates and binary buffers are returned as they are. Never throws
 * on exotic input: a getter that throws yields its property as "[unreadable]".
 */
export function scrubDeep(value: unknown, scrub: ScrubString): unknown {
  const seen = new WeakMap<object, unknown>();

  const visit = (input: unknown, depth: number): unknown => {
    if (typeof input === "string") return scrub(input);
    if (typeof input !== "object" || input === null) return input;
    if (depth > MAX_DEPTH) return TOO_DEEP;
    const known = seen.get(input);
    if (known !== undefined) return known;
    if (input instanceof Date || ArrayBuffer.isView(input) || input instanceof ArrayBuffer) return input;

    if (Array.isArray(input)) {
      const copy: unknown[] = [];
      seen.set(input, copy);
      for (const item of input) copy.push(visit(item, depth + 1));
      return copy;
    }
    if (input instanceof Map) {
      const copy = new Map<unknown, unknown>();
      seen.set(input, copy);
      for (const [k, v] of input) copy.set(visit(k, depth + 1), visit(v, depth + 1));
      return copy;
    }
    if (input instanceof Set) {
      const copy = new Set<unknown>();
      seen.set(input, copy);
      for (const v of input) copy.add(visit(v, depth + 1));
      return copy;
    }
    if (input instanceof Error) {
      // Own properties include the non-enumerable message and stack; keep each one's enumerability.
      const copy = Object.create(Object.getPrototypeOf(input)) as Record<string, unknown>;
      seen.set(input, copy);
      for (const key of Reflect.ownKeys(input)) {
        if (typeof key !== "string") continue;
        const descriptor = Object.getOwnPropertyDescriptor(input, key);
        Object.defineProperty(copy, key, {
          value: visit(read(input, key), depth + 1),
          enumerable: descriptor?.enumerable ?? true,
          writable: true,
          configurable: true,
        });
      }
      return copy;
    }
    if (isHeadersLike(input)) {
      const copy: Record<string, unknown> = {};
      seen.set(input, copy);
      input.forEach((v, k) => {
        copy[scrub(k)] = visit(v, depth + 1);
      });
      return copy;
    }
    const toJSON = (input as { toJSON?: unknown }).toJSON;
    if (!isPlainObject(input) && typeof toJSON === "function") {
      // URL, Decimal, and similar: what JSON.stringify (and so pino) would print.
      return visit(
        safe(() => toJSON.call(input)),
        depth + 1,
      );
    }
    const copy: Record<string, unknown> = {};
    seen.set(input, copy);
    for (const key of Object.keys(input)) copy[scrub(key)] = visit(read(input, key), depth + 1);
    return copy;
  };

  return visit(value, 0);
}

function read(object: object, key: string): unknown {
  return safe(() => (object as Record<string, unknown>)[key]);
}

function safe(get: () => unknown): unknown {
  try {
    return get();
  } catch {
    return "[unreadable]";
  }
}
