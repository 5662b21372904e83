// /init's draft: one request (no tools) that turns a digest of the workspace into an AGENTS.md, a short guide
// for coding agents. Bounded by the model's window; stopped by Ctrl-C through the signal.
import type { ChatModel } from "../llm/client.js";
import type { Usage } from "../llm/messages.js";
import { workspaceDigest } from "./workspace-digest.js";

export interface DraftRequest {
  /** The model that writes the draft. */
  model: ChatModel;
  /** The workspace to describe. */
  workspaceRoot: string;
  /** The AGENTS.md there now, to improve rather than start over. */
  existing?: string;
  /** Aborted by Ctrl-C. */
  signal: AbortSignal;
}

export interface Draft {
  /** The AGENTS.md text, ending with a newline. */
  text: string;
  /** Files listed for it. */
  listed: number;
  /** Key files (README, manifests, CI) whose start it was shown. */
  keyFiles: string[];
  /** Tokens (and cost) of the request. */
  usage?: Usage;
}

const INSTRUCTIONS = [
  "You write AGENTS.md files: short guides that tell coding agents how to work in a repository.",
  "From the files below, write the AGENTS.md for this workspace in Markdown, under 400 words, with these " +
    "sections when there is something true to say: a one-paragraph overview; Layout (the folders that matter); " +
    "Build, test and run (exact commands); Conventions (style, naming, tools that check them); Gotchas.",
  "Write only what the files show. Where something is unknown (no test command, say), leave it out rather " +
    "than guess. Answer with the file's content only: no preamble, no code fence around it.",
].join("\n\n");

export async function draftAgentsMd(request: DraftRequest): Promise<Draft> {
  const window = (await request.model.contextWindow(request.signal)).tokens;
  // The digest gets at most half the window (about 4 characters a token), the answer and instructions the rest.
  const maxChars = Math.max(2_000, Math.min(24_000, Math.floor(window * 0.5 * 4)));
  const digest = workspaceDigest(request.workspaceRoot, { maxEntries: 300, maxFileChars: 3_000, maxChars });
  const existing = request.existing?.slice(0, Math.floor(maxChars / 4));
  const response = await request.model.chat({
    messages: [
      { role: "system", content: INSTRUCTIONS },
      {
        role: "user",
        content: [
          digest.text,
          existing
            ? `<current-agents-md>\n${existing}\n</current-agents-md>\nImprove it; keep what is right.`
            : "",
          "Write the AGENTS.md.",
        ]
          .filter(Boolean)
          .join("\n\n"),
      },
    ],
    tools: [],
    signal: request.signal,
  });
  return {
    text: `${unfence(response.text).trim()}\n`,
    listed: digest.listed,
    keyFiles: digest.keyFiles,
    ...(response.usage ? { usage: response.usage } : {}),
  };
}

/** The content of a reply wrapped whole in one ```markdown fence, as models often answer. */
function unfence(text: string): string {
  const match = /^\s*```(?:markdown|md)?\s*\n([\s\S]*?)\n```\s*$/i.exec(text);
  return match?.[1] ?? text;
}
