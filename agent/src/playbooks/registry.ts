// The playbooks in playbooks/<category>/*.md, re-read on each use (so edits count at the next prompt), and the
// per-prompt choice: the best few above a score threshold, within a character budget, as a system prompt section.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parsePlaybookMd } from "./playbook-md.js";
import { rankDocuments } from "./rank.js";

/** One playbook file. */
export type PlaybookEntry =
  | {
      kind: "valid";
      /** `<category>/<file name without .md>`. */
      id: string;
      category: string;
      name: string;
      description: string;
      keywords: string[];
      body: string;
    }
  | { kind: "invalid"; id: string; category: string; error: string };

export type ValidPlaybook = Extract<PlaybookEntry, { kind: "valid" }>;

export interface PlaybookSelectionOptions {
  /** Most playbooks in one prompt. Default 2. */
  maxPlaybooks?: number;
  /** Lowest BM25 score that counts as relevant. Default 2.5. */
  minScore?: number;
  /** A playbook after the first needs at least this share of the first's score. Default 0.5. */
  minRelativeScore?: number;
  /** Most characters of playbook text in one prompt. Default 6000. */
  charBudget?: number;
}

/** Playbooks chosen for one prompt, and the prompt section built from them. */
export interface PlaybookSelection {
  chosen: Array<{ id: string; name: string; score: number }>;
  /** The system prompt section ("" when nothing was chosen). */
  section: string;
}

export const DEFAULT_SELECTION: Required<PlaybookSelectionOptions> = {
  maxPlaybooks: 2,
  minScore: 2.5,
  minRelativeScore: 0.5,
  charBudget: 6000,
};

export class PlaybookRegistry {
  constructor(
    /** The playbooks directory. */
    readonly dir: string,
    private readonly selection: PlaybookSelectionOptions = {},
  ) {}

  /** Every playbook file, sorted by id. Never throws: a missing directory is an empty list. */
  list(): PlaybookEntry[] {
    const entries: PlaybookEntry[] = [];
    for (const category of safeReaddir(this.dir)) {
      if (!category.isDirectory() || category.name.startsWith(".")) continue;
      for (const file of safeReaddir(join(this.dir, category.name))) {
        if (!file.isFile() || !file.name.endsWith(".md")) continue;
        const id = `${category.name}/${file.name.slice(0, -3)}`;
        try {
          const parsed = parsePlaybookMd(readFileSync(join(this.dir, category.name, file.name), "utf8"));
          entries.push({ kind: "valid", id, category: category.name, ...parsed });
        } catch (error) {
          const message = error instanceof Error ? error.message : String(error);
          entries.push({ kind: "invalid", id, category: category.name, error: message });
        }
      }
    }
    return entries.sort((a, b) => (a.id < b.id ? -1 : 1));
  }

  /** The playbooks for `prompt` and their section. Never throws. */
  select(prompt: string): PlaybookSelection {
    const { maxPlaybooks, minScore, minRelativeScore, charBudget } = {
      ...DEFAULT_SELECTION,
      ...this.selection,
    };
    const valid = this.list().filter((p): p is ValidPlaybook => p.kind === "valid");
    const byId = new Map(valid.map((p) => [p.id, p]));
    const all = rankDocuments(prompt, valid);
    const best = all[0]?.score ?? 0;
    const ranked = all.filter((r) => r.score >= minScore && r.score >= best * minRelativeScore);
    const chosen: PlaybookSelection["chosen"] = [];
    const parts: string[] = [];
    let used = 0;
    for (const { id, score } of ranked) {
      if (chosen.length >= maxPlaybooks) break;
      const playbook = byId.get(id);
      if (!playbook) continue;
      let text = `### ${playbook.name} (${playbook.id})\n${playbook.body}`;
      if (used + text.length > charBudget) {
        if (chosen.length > 0) continue;
        // The best match alone is over budget: a cut playbook still beats none.
        text = `${text.slice(0, Math.max(0, charBudget - 40))}\n[playbook cut to fit the budget]`;
      }
      used += text.length;
      parts.push(text);
      chosen.push({ id, name: playbook.name, score });
    }
    if (!parts.length) return { chosen, section: "" };
    const header =
      "## Playbooks for this request\nGuides that match the request; follow them where they fit.";
    return { chosen, section: [header, ...parts].join("\n\n") };
  }
}

function safeReaddir(dir: string) {
  try {
    return readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
}
