// Bounds and checks for benchmark runs: a deadline on any promise, and the error a benchmark throws when
// the work it timed did not really happen (so a broken agent cannot post a fast figure).

/** A benchmark's own check failed: the scripted server did not see the expected requests or results. */
export class BenchCheckError extends Error {
  override readonly name = "BenchCheckError";
  static isInstance(error: unknown): error is BenchCheckError {
    return error instanceof Error && error.name === "BenchCheckError";
  }
}

/** A benchmark step ran past its time limit. */
export class BenchTimeoutError extends Error {
  override readonly name = "BenchTimeoutError";
  static isInstance(error: unknown): error is BenchTimeoutError {
    return error instanceof Error && error.name === "BenchTimeoutError";
  }
}

/** Throws BenchCheckError with `message` unless `condition` holds. */
export function check(condition: unknown, message: string): asserts condition {
  if (!condition) throw new BenchCheckError(message);
}

/** Resolves like `promise`, or rejects with BenchTimeoutError after `ms` (then calls `onTimeout`). */
export async function withDeadline<T>(
  promise: Promise<T>,
  ms: number,
  label: string,
  onTimeout?: () => void,
): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      onTimeout?.();
      reject(new BenchTimeoutError(`${label} took longer than ${ms} ms; the run was stopped.`));
    }, ms);
  });
  try {
    return await Promise.race([promise, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

/** Runs `body` `count` times in sequence, stopping early (with what it has) when `budgetMs` runs out. */
export async function repeat<T>(
  count: number,
  budgetMs: number,
  body: (i: number) => Promise<T>,
): Promise<T[]> {
  const results: T[] = [];
  const end = performance.now() + budgetMs;
  for (let i = 0; i < count && performance.now() < end; i++) results.push(await body(i));
  return results;
}

/** Times `count` sequential calls of `body` (ms each), within `budgetMs`, after `warmup` untimed calls. */
export async function timeEach(
  count: number,
  budgetMs: number,
  body: () => Promise<unknown>,
  warmup = 5,
): Promise<number[]> {
  for (let i = 0; i < warmup; i++) await body();
  return repeat(count, budgetMs, async () => {
    const start = performance.now();
    await body();
    return performance.now() - start;
  });
}
