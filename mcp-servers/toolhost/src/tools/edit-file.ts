// edit_file: replaces an exact text in a file (once, or every occurrence with replace_all), keeping the file's
// BOM and line endings, and returns a small unified diff; failures quote what the model should look at.
import { z } from "zod";
import { formatSize, guessBinaryType, isBinary } from "../file-kind.js";
import { unifiedDiff } from "../text-diff.js";
import { type ToolDescriptor, ToolInputError } from "../tool-descriptor.js";
import type { Workspace } from "../workspace.js";
import { findMatches, nearestLine } from "./edit-match.js";

/** Largest file edit_file loads. */
export const EDIT_MAX_BYTES = 10 * 1024 * 1024;
const BOM = "\uFEFF";

export interface EditFileDeps {
  /** Where files are edited. */
  workspace: Workspace;
}

const inputShape = {
  path: z.string().describe("File path."),
  old_text: z.string().describe("Exact text to replace; must match once unless replace_all."),
  new_text: z.string().describe("Replacement text."),
  replace_all: z.boolean().optional().describe("Replace every occurrence."),
};

async function loadText(workspace: Workspace, input: string): Promise<string> {
  const opened = await workspace.openFile(input, "write");
  try {
    if (opened.stats.size > EDIT_MAX_BYTES) {
      throw new ToolInputError(
        `${input} is ${formatSize(opened.stats.size)}, over edit_file's ${formatSize(EDIT_MAX_BYTES)} limit; ` +
          "edit it with shell (sed -i) instead.",
      );
    }
    const bytes = await opened.handle.readFile();
    if (isBinary(bytes, true)) {
      throw new ToolInputError(
        `${input} is a binary file (${guessBinaryType(bytes)}, ${formatSize(bytes.length)}); edit_file only edits text.`,
      );
    }
    return bytes.toString("utf8");
  } finally {
    await opened.handle.close();
  }
}

/** Creates the edit_file tool. */
export function createEditFileTool(deps: EditFileDeps): ToolDescriptor<typeof inputShape> {
  return {
    name: "edit_file",
    description: "Replace exact text in a file. Returns a diff. Read the file first; include enough context.",
    inputShape,
    async handler(args) {
      if (args.old_text === "") {
        throw new ToolInputError("old_text is empty; to create or overwrite a whole file use write_file.");
      }
      const raw = await loadText(deps.workspace, args.path);
      const hasBom = raw.startsWith(BOM);
      const withoutBom = hasBom ? raw.slice(1) : raw;
      const firstNewline = withoutBom.indexOf("\n");
      const crlf = firstNewline > 0 && withoutBom[firstNewline - 1] === "\r";
      const content = crlf ? withoutBom.replaceAll("\r\n", "\n") : withoutBom;
      const oldText = args.old_text.replaceAll("\r\n", "\n");
      const newText = args.new_text.replaceAll("\r\n", "\n");
      if (oldText === newText) {
        throw new ToolInputError("old_text and new_text are identical; nothing to change.");
      }
      const matches = findMatches(content, oldText);
      if (matches.length === 0) {
        const nearest = nearestLine(content, oldText);
        const hint =
          nearest === undefined
            ? "No similar line exists; read_file the file and copy the text exactly."
            : `Nearest line ${nearest.line}: ${JSON.stringify(nearest.text)}. Check whitespace and indentation, or read_file that region first.`;
        throw new ToolInputError(`old_text was not found in ${args.path}. ${hint}`);
      }
      if (matches.length > 1 && args.replace_all !== true) {
        const lines = matches.slice(0, 20).map((match) => match.line);
        const more = matches.length > lines.length ? ", ..." : "";
        throw new ToolInputError(
          `old_text matches ${matches.length} times in ${args.path} (lines ${lines.join(", ")}${more}); ` +
            "add surrounding lines to make it unique, or set replace_all: true.",
        );
      }
      const updated =
        args.replace_all === true
          ? content.split(oldText).join(newText)
          : replaceAt(content, matches[0]?.index ?? 0, oldText, newText);
      if (updated === content) {
        throw new ToolInputError("The edit would not change the file; nothing to do.");
      }
      const restored = (hasBom ? BOM : "") + (crlf ? updated.replaceAll("\n", "\r\n") : updated);
      const outcome = await deps.workspace.writeFile(args.path, Buffer.from(restored, "utf8"));
      const count = args.replace_all === true ? matches.length : 1;
      const diff = unifiedDiff(outcome.relativePath, content, updated);
      return {
        text: `Edited ${outcome.relativePath}: ${count} replacement${count === 1 ? "" : "s"}.\n${diff}`,
      };
    },
  };
}

function replaceAt(content: string, index: number, oldText: string, newText: string): string {
  return content.slice(0, index) + newText + content.slice(index + oldText.length);
}
