// /init: drafts an AGENTS.md for the workspace with the model (from a digest of its files), shows the draft,
// and writes it only when the user says yes; an existing AGENTS.md is replaced only after its own question.
import { existsSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { basename } from "node:path";
import { draftAgentsMd } from "../../instructions/draft-agents-md.js";
import { LlmError } from "../../llm/llm-error.js";
import type { SlashCommand } from "./command.js";

export const initCommand: SlashCommand = {
  name: "init",
  usage: "/init",
  summary: "draft an AGENTS.md for the workspace with the model; shows it and asks before writing",
  async run(_args, { session, term, signal, confirm }) {
    const instructions = session.instructions;
    if (!instructions) {
      term.error("Project instructions are off in this session.");
      return;
    }
    const path = instructions.workspaceFile;
    const existing = existsSync(path) ? readFileSync(path, "utf8") : undefined;
    term.note(term.style("dim", `Drafting ${basename(path)} from the workspace (Ctrl-C stops)…`));
    term.status("drafting AGENTS.md");
    let draft: Awaited<ReturnType<typeof draftAgentsMd>>;
    try {
      draft = await draftAgentsMd({
        model: session.providers.current(),
        workspaceRoot: session.workspaceRoot,
        ...(existing !== undefined ? { existing } : {}),
        signal,
      });
    } catch (error) {
      term.status(undefined);
      if (signal.aborted || (LlmError.isInstance(error) && error.kind === "aborted")) {
        term.note(term.style("yellow", "Interrupted: nothing written."));
        return;
      }
      if (LlmError.isInstance(error)) {
        term.error(`${error.message} Nothing written.`);
        return;
      }
      throw error;
    }
    term.status(undefined);
    if (draft.usage) session.recordUsage(draft.usage);
    if (!draft.text.trim()) {
      term.error("The model returned an empty draft. Nothing written.");
      return;
    }
    const from = draft.keyFiles.length ? `; read ${draft.keyFiles.join(", ")}` : "";
    term.line(term.style("dim", `──── draft of ${path} (from ${draft.listed} files listed${from}) ────`));
    term.line(draft.text.trimEnd());
    term.line(term.style("dim", "──── end of draft ────"));
    if (existing === draft.text) {
      term.line("The draft is the same as the current AGENTS.md. Nothing written.");
      return;
    }
    const others = instructions.current.files.filter(
      (file) => file.path !== path && file.scope === "project",
    );
    if (
      !existing &&
      others.some((file) => basename(file.path) === "CLAUDE.md" && file.label === "CLAUDE.md")
    ) {
      term.note(
        term.style("dim", "(The workspace's CLAUDE.md is read now; an AGENTS.md is read instead of it.)"),
      );
    }
    const question = existing
      ? `${path} exists (${lineCount(existing)} lines). Replace it with this draft?`
      : `Write this draft to ${path}?`;
    if (!(await confirm(question)) || signal.aborted) {
      term.line("Nothing written.");
      return;
    }
    try {
      writeAtomically(path, draft.text);
    } catch (error) {
      term.error(`Could not write ${path}: ${error instanceof Error ? error.message : String(error)}`);
      return;
    }
    instructions.reload();
    term.line(
      `Wrote ${path} (${lineCount(draft.text)} lines). It is in the system prompt from the next request.`,
    );
  },
};

function writeAtomically(path: string, text: string): void {
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, text, { mode: 0o644 });
  renameSync(temporary, path);
}

function lineCount(text: string): number {
  return text.split("\n").length - (text.endsWith("\n") ? 1 : 0);
}
