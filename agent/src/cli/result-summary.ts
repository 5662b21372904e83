// One useful line for a tool result, shown under the call: "12 lines · import x" for a file, "exit 0 · 3 lines
// · ok" for a command, compact JSON for structured results; never a lone "{" or a bracketed tag.

const WIDTH = 100;

/** A one-line summary of `text`, the result of tool `name`. */
export function summariseResult(name: string, text: string): string {
  const lines = text.replace(/\s+$/, "").split("\n");
  const content = lines.filter((line) => line.trim() !== "");
  if (content.length === 0) return "(no output)";
  switch (name) {
    case "read_file":
      return withCount(countLines(lines), "line", firstMeaningful(content));
    case "list_files": {
      const entries = content.slice(1).filter((line) => !line.startsWith("[Listing cut"));
      if (entries.length === 0) return cut(content[0] ?? "");
      return withCount(entries.length, "entry", entries.map((e) => e.trim()).join(", "));
    }
    case "shell": {
      const status = /^\[(exit code \S+|[^\]]*)\]/.exec(content.findLast((l) => l.startsWith("[")) ?? "");
      const output = content.filter((line) => !/^\[(exit code|output )/.test(line));
      const head = status ? status[1]?.replace("exit code ", "exit ") : undefined;
      const body = output.length ? withCount(output.length, "line", output.at(-1) ?? "") : "no output";
      return cut(head ? `${head} · ${body}` : body);
    }
    default:
      return summariseGeneric(text.trim(), content);
  }
}

function summariseGeneric(text: string, content: string[]): string {
  if (/^[[{]/.test(text)) {
    try {
      const value: unknown = JSON.parse(text);
      if (Array.isArray(value))
        return cut(`${value.length} item${value.length === 1 ? "" : "s"} · ${JSON.stringify(value)}`);
      return cut(JSON.stringify(value));
    } catch {
      // not JSON after all: summarise as text
    }
  }
  if (content.length === 1) return cut(content[0] ?? "");
  return withCount(content.length, "line", firstMeaningful(content));
}

/** The first line that says something: not a lone bracket, brace or bracketed tag like "[result]". */
function firstMeaningful(content: string[]): string {
  return content.find((line) => !/^\s*([[\]{}(),]|\[[\w -]+\])\s*$/.test(line))?.trim() ?? content[0] ?? "";
}

function countLines(lines: string[]): number {
  // read_file appends "[Showing lines ...]" after a blank line: not a line of the file.
  const end = lines.findLastIndex((line) => line.startsWith("[Showing lines") || line.startsWith("[Line "));
  return end > 0 ? end - 1 : lines.length;
}

function withCount(count: number, noun: string, rest: string): string {
  const plural = noun === "entry" ? "entries" : `${noun}s`;
  return cut(`${count} ${count === 1 ? noun : plural}${rest ? ` · ${rest.trim()}` : ""}`);
}

function cut(line: string): string {
  const flat = line.replace(/\s+/g, " ").trim();
  return flat.length > WIDTH ? `${flat.slice(0, WIDTH - 1)}…` : flat;
}
