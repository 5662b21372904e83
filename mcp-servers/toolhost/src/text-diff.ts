// A small line diff (Myers, after trimming the common head and tail) rendered as a unified diff with three
// lines of context, bounded in length: edit_file shows it so the model sees exactly what changed.

type Op = { kind: "equal" | "delete" | "insert"; text: string };

const CONTEXT = 3;
// Past this many differing lines the exact diff costs too much memory; the middle is shown as replaced.
const MAX_EDIT_DISTANCE = 1000;

function myers(a: string[], b: string[]): Op[] | undefined {
  const n = a.length;
  const m = b.length;
  const max = n + m;
  const offset = max + 1;
  const v = new Int32Array(2 * max + 3);
  const trace: Int32Array[] = [];
  for (let d = 0; d <= Math.min(max, MAX_EDIT_DISTANCE); d++) {
    // Only diagonals -d-1..d+1 are read when backtracking from step d.
    trace.push(v.slice(offset - d - 1, offset + d + 2));
    for (let k = -d; k <= d; k += 2) {
      const down = k === -d || (k !== d && (v[offset + k - 1] ?? 0) < (v[offset + k + 1] ?? 0));
      let x = down ? (v[offset + k + 1] ?? 0) : (v[offset + k - 1] ?? 0) + 1;
      let y = x - k;
      while (x < n && y < m && a[x] === b[y]) {
        x++;
        y++;
      }
      v[offset + k] = x;
      if (x >= n && y >= m) return backtrack(a, b, trace);
    }
  }
  return undefined;
}

function backtrack(a: string[], b: string[], trace: Int32Array[]): Op[] {
  const ops: Op[] = [];
  let x = a.length;
  let y = b.length;
  for (let d = trace.length - 1; d >= 0; d--) {
    const window = trace[d] as Int32Array;
    const at = (k: number): number => window[k + d + 1] ?? 0;
    const k = x - y;
    const previousK = k === -d || (k !== d && at(k - 1) < at(k + 1)) ? k + 1 : k - 1;
    const previousX = at(previousK);
    const previousY = previousX - previousK;
    while (x > previousX && y > previousY) {
      ops.push({ kind: "equal", text: a[x - 1] as string });
      x--;
      y--;
    }
    if (d > 0) {
      if (x === previousX) ops.push({ kind: "insert", text: b[y - 1] as string });
      else ops.push({ kind: "delete", text: a[x - 1] as string });
    }
    x = previousX;
    y = previousY;
  }
  return ops.reverse();
}

function diffOps(a: string[], b: string[]): Op[] {
  let head = 0;
  while (head < a.length && head < b.length && a[head] === b[head]) head++;
  let tail = 0;
  while (
    tail < a.length - head &&
    tail < b.length - head &&
    a[a.length - 1 - tail] === b[b.length - 1 - tail]
  ) {
    tail++;
  }
  const middleA = a.slice(head, a.length - tail);
  const middleB = b.slice(head, b.length - tail);
  const middle = myers(middleA, middleB) ?? [
    ...middleA.map((text): Op => ({ kind: "delete", text })),
    ...middleB.map((text): Op => ({ kind: "insert", text })),
  ];
  const equal = (text: string): Op => ({ kind: "equal", text });
  return [...a.slice(0, head).map(equal), ...middle, ...a.slice(a.length - tail).map(equal)];
}

// A final newline ends the last line; it does not start an empty one.
function toLines(text: string): string[] {
  return (text.endsWith("\n") ? text.slice(0, -1) : text).split("\n");
}

/** A unified diff of `before` → `after` (LF line endings), at most `maxLines` lines long. */
export function unifiedDiff(path: string, before: string, after: string, maxLines = 80): string {
  const ops = diffOps(toLines(before), toLines(after));
  const changed = ops.flatMap((op, index) => (op.kind === "equal" ? [] : [index]));
  const out = [`--- a/${path}`, `+++ b/${path}`];
  let cursor = 0;
  // Line numbers (1-based) in before/after at the start of ops[index], advanced as ops are consumed.
  let oldLine = 1;
  let newLine = 1;
  const advance = (to: number): void => {
    for (; cursor < to; cursor++) {
      const op = ops[cursor] as Op;
      if (op.kind !== "insert") oldLine++;
      if (op.kind !== "delete") newLine++;
    }
  };
  let index = 0;
  while (index < changed.length) {
    const first = changed[index] as number;
    let last = first;
    while (index + 1 < changed.length && (changed[index + 1] as number) - last <= 2 * CONTEXT + 1) {
      index++;
      last = changed[index] as number;
    }
    index++;
    const start = Math.max(first - CONTEXT, cursor);
    const end = Math.min(last + CONTEXT, ops.length - 1);
    advance(start);
    const body = ops.slice(start, end + 1);
    const oldCount = body.filter((op) => op.kind !== "insert").length;
    const newCount = body.filter((op) => op.kind !== "delete").length;
    out.push(`@@ -${oldLine},${oldCount} +${newLine},${newCount} @@`);
    for (const op of body)
      out.push(`${op.kind === "equal" ? " " : op.kind === "delete" ? "-" : "+"}${op.text}`);
    advance(end + 1);
  }
  if (out.length <= maxLines) return out.join("\n");
  return `${out.slice(0, maxLines).join("\n")}\n… (diff cut: ${out.length - maxLines} more lines; read_file to see the result)`;
}
