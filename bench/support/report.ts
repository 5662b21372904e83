// What a benchmark hands back: tables of figures, the targets judged against them, and notes.
// run.ts prints these as Markdown so the same output pastes into bench/README.md.

/** A table with a title; every row has one cell per column. */
export interface Table {
  /** Heading printed above the table. */
  title: string;
  /** Column names. */
  columns: string[];
  /** Cells, already formatted. */
  rows: string[][];
}

/** One target from the issue and whether this run met it. */
export interface TargetCheck {
  /** What is measured, e.g. "loop overhead per step, local". */
  label: string;
  /** The figure measured, formatted. */
  measured: string;
  /** The target, formatted ("< 3 ms"). */
  target: string;
  /** Met, missed, or not measured in this run (a part that could not run here). */
  verdict: "met" | "missed" | "not measured";
}

export interface BenchReport {
  /** Figures. */
  tables: Table[];
  /** Targets judged in this run. */
  targets: TargetCheck[];
  /** Facts a reader needs to read the figures (what was skipped and why). */
  notes: string[];
}

/** A benchmark run.ts can run by name, within its own time limit. */
export interface Benchmark {
  /** Short name for `npm run bench -- <name>`. */
  name: string;
  /** One line saying what it measures. */
  title: string;
  /** Hard limit for the whole benchmark; run.ts fails it when exceeded. */
  timeLimitMs: number;
  /** Runs the benchmark; throws BenchCheckError when the work did not really happen. */
  run(signal: AbortSignal): Promise<BenchReport>;
}

/** Judges "value below limit"; a value that is not a finite number was not measured in this run. */
export function judge(label: string, value: number, limit: number, measured: string, target: string) {
  const verdict: TargetCheck["verdict"] = !Number.isFinite(value)
    ? "not measured"
    : value < limit
      ? "met"
      : "missed";
  return {
    label,
    measured: verdict === "not measured" ? "n/a" : measured,
    target,
    verdict,
  } satisfies TargetCheck;
}

export function markdownTable(table: Table): string {
  const line = (cells: string[]) => `| ${cells.join(" | ")} |`;
  return [
    `### ${table.title}`,
    "",
    line(table.columns),
    line(table.columns.map(() => "---")),
    ...table.rows.map(line),
  ].join("\n");
}
