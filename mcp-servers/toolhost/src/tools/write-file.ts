// write_file: creates or overwrites a file with the given text, creating parent directories; atomic (temp file
// then rename) so a reader never sees half a file, and confined by the workspace boundary.
import { z } from "zod";
import { formatSize } from "../file-kind.js";
import type { ToolDescriptor } from "../tool-descriptor.js";
import type { Workspace } from "../workspace.js";

export interface WriteFileDeps {
  /** Where files are written. */
  workspace: Workspace;
}

const inputShape = {
  path: z.string().describe("File path."),
  content: z.string().describe("Complete new file content."),
};

/** Creates the write_file tool. */
export function createWriteFileTool(deps: WriteFileDeps): ToolDescriptor<typeof inputShape> {
  return {
    name: "write_file",
    description: "Create or overwrite a file with content. Creates parent directories.",
    inputShape,
    async handler(args) {
      const data = Buffer.from(args.content, "utf8");
      const outcome = await deps.workspace.writeFile(args.path, data);
      const verb = outcome.created ? "Created" : "Overwrote";
      const size = data.length < 1024 ? "" : ` (${formatSize(data.length)})`;
      return { text: `${verb} ${outcome.relativePath}: ${data.length} bytes written${size}.` };
    },
  };
}
