// Skill arguments: `key:value` pairs, `--flag`s and positional text from the REPL, or an object from the model,
// checked against the SKILL.md declaration (names, types, required, defaults). Quotes keep spaces and colons.
import type { SkillArgs, SkillArgValue } from "./skill-api.js";
import { SkillArgsError } from "./skill-errors.js";
import type { SkillArgSpec, SkillManifest } from "./skill-md.js";

/** Arguments ready for run(), and whether this is a dry run. */
export interface ParsedSkillArgs {
  /** Values by name, defaults applied. */
  args: SkillArgs;
  /** `dry_run:true` or `--dry-run`. */
  dryRun: boolean;
}

/** One word of the command line: keyed when an unquoted `name:` starts it. */
type Token =
  | { kind: "keyed"; key: string; value: string }
  | { kind: "flag"; key: string; value?: string }
  | { kind: "text"; value: string };

const KEY = /^[a-z][a-z0-9_]*$/;

/** Splits a command line into words; `"..."` and `'...'` group (and are removed), `\"` escapes inside "...". */
export function tokenizeSkillArgs(line: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < line.length) {
    while (i < line.length && /\s/.test(line[i] ?? "")) i++;
    if (i >= line.length) break;
    let text = "";
    let key: string | undefined;
    let quotedStart = false;
    for (; i < line.length && !/\s/.test(line[i] ?? ""); i++) {
      const ch = line[i] ?? "";
      if (ch === '"' || ch === "'") {
        if (text === "" && key === undefined) quotedStart = true;
        const close = findClose(line, i + 1, ch);
        if (close < 0) throw new SkillArgsError(`Unclosed ${ch} quote in "${line}".`, "");
        text += unquote(line.slice(i + 1, close), ch);
        i = close;
      } else if (ch === ":" && key === undefined && !quotedStart && KEY.test(text)) {
        key = text;
        text = "";
      } else {
        text += ch;
      }
    }
    if (key !== undefined) tokens.push({ kind: "keyed", key, value: text });
    else if (!quotedStart && text.startsWith("--") && text.length > 2) {
      const [name = "", ...rest] = text.slice(2).split("=");
      const flagKey = name.replace(/-/g, "_");
      tokens.push(
        rest.length ? { kind: "flag", key: flagKey, value: rest.join("=") } : { kind: "flag", key: flagKey },
      );
    } else tokens.push({ kind: "text", value: text });
  }
  return tokens;
}

function findClose(line: string, from: number, quote: string): number {
  for (let j = from; j < line.length; j++) {
    if (line[j] === "\\" && quote === '"') j++;
    else if (line[j] === quote) return j;
  }
  return -1;
}

function unquote(text: string, quote: string): string {
  return quote === '"' ? text.replace(/\\(["\\])/g, "$1") : text;
}

/** The usage line: SKILL.md's `usage`, or one built from its args. */
export function usageLine(manifest: SkillManifest): string {
  if (manifest.usage) return manifest.usage;
  const parts = manifest.args.map((arg) => {
    const placeholder = arg.enum ? arg.enum.join("|") : `<${arg.type === "string" ? arg.name : arg.type}>`;
    const word = arg.type === "boolean" ? `--${arg.name.replace(/_/g, "-")}` : `${arg.name}:${placeholder}`;
    return arg.required ? word : `[${word}]`;
  });
  return [`/skill ${manifest.name}`, ...parts, "[dry_run:true]"].join(" ");
}

/** Parses a REPL argument line. Throws SkillArgsError (with the usage line) for anything unknown or missing. */
export function parseSkillArgs(line: string, manifest: SkillManifest): ParsedSkillArgs {
  const usage = usageLine(manifest);
  let tokens: Token[];
  try {
    tokens = tokenizeSkillArgs(line);
  } catch (error) {
    throw new SkillArgsError(
      error instanceof Error ? (error.message.split("\n")[0] ?? "") : String(error),
      usage,
    );
  }
  const given: Record<string, unknown> = {};
  const positional: string[] = [];
  for (const token of tokens) {
    if (token.kind === "text") positional.push(token.value);
    else {
      if (token.key in given) throw new SkillArgsError(`The argument ${token.key} is given twice.`, usage);
      given[token.key] = token.kind === "flag" ? (token.value ?? true) : token.value;
    }
  }
  // Positional words fill the required arguments not given by name (else the optional ones), in declared
  // order; extra words join the last of them when it is free text, so `/skill hello hi there` works.
  const unnamed = manifest.args.filter((arg) => !(arg.name in given) && arg.type !== "boolean");
  const required = unnamed.filter((arg) => arg.required);
  const free = required.length ? required : unnamed;
  positional.forEach((value, index) => {
    const arg = free[index];
    const last = free[free.length - 1];
    if (arg) given[arg.name] = value;
    else if (last && last.type === "string" && !last.enum) given[last.name] = `${given[last.name]} ${value}`;
    else throw new SkillArgsError(`Unexpected argument "${value}".`, usage);
  });
  return coerceSkillArgs(given, manifest);
}

/** Checks an argument object (from run_skill or parseSkillArgs) against the declaration and applies defaults. */
export function coerceSkillArgs(input: Record<string, unknown>, manifest: SkillManifest): ParsedSkillArgs {
  const usage = usageLine(manifest);
  const args: SkillArgs = {};
  let dryRun = false;
  for (const [key, raw] of Object.entries(input)) {
    if (raw === undefined || raw === null) continue;
    if (key === "dry_run") {
      const value = toBoolean(raw);
      if (value === undefined)
        throw new SkillArgsError(`dry_run must be true or false, not "${String(raw)}".`, usage);
      dryRun = value;
      continue;
    }
    const spec = manifest.args.find((arg) => arg.name === key);
    if (!spec) {
      const known = manifest.args.map((arg) => arg.name).join(", ") || "none";
      throw new SkillArgsError(`Unknown argument "${key}" (arguments: ${known}).`, usage);
    }
    args[key] = coerce(spec, raw, usage);
  }
  // In declared order, so logs and reports read the same however the arguments were written.
  const ordered: SkillArgs = {};
  for (const spec of manifest.args) {
    const value = args[spec.name] ?? spec.default;
    if (value !== undefined) ordered[spec.name] = value;
    else if (spec.required) throw new SkillArgsError(`Missing required argument ${spec.name}.`, usage);
  }
  return { args: ordered, dryRun };
}

function coerce(spec: SkillArgSpec, raw: unknown, usage: string): SkillArgValue {
  const bad = (expected: string) =>
    new SkillArgsError(`${spec.name} must be ${expected}, not ${JSON.stringify(raw)}.`, usage);
  switch (spec.type) {
    case "string": {
      if (typeof raw !== "string" && typeof raw !== "number" && typeof raw !== "boolean") throw bad("text");
      const text = String(raw);
      if (text === "" && spec.required) throw bad("non-empty text");
      if (spec.enum && !spec.enum.includes(text)) throw bad(`one of ${spec.enum.join(", ")}`);
      return text;
    }
    case "integer": {
      const value =
        typeof raw === "number"
          ? raw
          : typeof raw === "string" && /^-?\d+$/.test(raw.trim())
            ? Number(raw)
            : NaN;
      if (!Number.isSafeInteger(value)) throw bad("a whole number");
      return value;
    }
    case "number": {
      const value =
        typeof raw === "number" ? raw : typeof raw === "string" && raw.trim() !== "" ? Number(raw) : NaN;
      if (!Number.isFinite(value)) throw bad("a number");
      return value;
    }
    case "boolean": {
      const value = toBoolean(raw);
      if (value === undefined) throw bad("true or false");
      return value;
    }
    case "list": {
      if (Array.isArray(raw) && raw.every((item) => typeof item === "string")) return raw;
      if (typeof raw !== "string") throw bad("a comma-separated list");
      return raw
        .split(",")
        .map((item) => item.trim())
        .filter(Boolean);
    }
  }
}

function toBoolean(raw: unknown): boolean | undefined {
  if (typeof raw === "boolean") return raw;
  const text = String(raw).toLowerCase();
  if (["true", "yes", "1"].includes(text)) return true;
  if (["false", "no", "0"].includes(text)) return false;
  return undefined;
}
