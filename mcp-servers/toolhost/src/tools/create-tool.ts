// create_tool: the model writes a tool of its own (name, description, JSON Schema parameters, TypeScript
// code); it is saved under dynamic-tools/, loaded at once and runs sandboxed in the toolhost (ADR 008).
import { z } from "zod";
import type { DynamicTools } from "../dynamic/dynamic-tools.js";
import { type ToolDescriptor, ToolInputError } from "../tool-descriptor.js";

export interface CreateToolDeps {
  /** Where the tool is saved and loaded. */
  dynamicTools: DynamicTools;
}

const inputShape = {
  name: z.string().describe("snake_case, not a built-in's name."),
  description: z.string().describe("What it does and returns."),
  // Checked by DynamicTools (with messages that name the problem) rather than by the SDK's generic "Invalid
  // input"; the metadata still shows the model an object.
  parameters: z.unknown().meta({
    type: "object",
    description: "JSON Schema object of the arguments.",
  }),
  code: z
    .string()
    .describe(
      "TypeScript module: `export default async function (args, ctx) { return result }`. Only ctx reaches " +
        "the workspace: readFile(path), writeFile(path, text), listFiles(path), editFile(path, old, new), " +
        "shell(command) → {output, ok}.",
    ),
  overwrite: z.boolean().optional().describe("Replace your tool of that name."),
};

// Models often send the schema as a JSON string; accept it rather than bounce the call.
function schemaOf(parameters: unknown): unknown {
  if (typeof parameters !== "string") return parameters;
  try {
    return JSON.parse(parameters) as unknown;
  } catch (error) {
    throw new ToolInputError(
      `parameters is a string that is not JSON (${(error as Error).message}); pass the JSON Schema as an object.`,
    );
  }
}

/** Creates the create_tool tool. */
export function createCreateTool(deps: CreateToolDeps): ToolDescriptor<typeof inputShape> {
  return {
    name: "create_tool",
    description: "Create a tool you can call from the next step on; it runs sandboxed and persists.",
    inputShape,
    async handler(args) {
      const text = await deps.dynamicTools.create({
        name: args.name,
        description: args.description,
        parameters: schemaOf(args.parameters),
        code: args.code,
        overwrite: args.overwrite === true,
      });
      return { text };
    },
  };
}
