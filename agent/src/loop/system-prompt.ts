// The system prompt: short and exact. Which tools exist (their schemas travel separately), where the
// workspace is, and how to finish. The project's instructions (AGENTS.md) follow, then per-turn sections from
// skills and playbooks.

export interface SystemPromptInput {
  workspaceRoot: string;
  toolNames: readonly string[];
  /** The project instructions section (AGENTS.md files, already formatted and capped); "" when none. */
  instructions?: string;
  /** Extra sections (available skills, playbooks chosen for this turn), already formatted. */
  sections?: readonly string[];
  /** Messages dropped from the start of the conversation to fit the budget. */
  droppedMessages?: number;
  /** One-off notes for this request (the server cut the last prompt, the last answer was cut). */
  notes?: readonly string[];
}

export function buildSystemPrompt(input: SystemPromptInput): string {
  const lines = [
    "You are a coding agent. You work on the files in the workspace with the tools below.",
    `Workspace root: ${input.workspaceRoot} (tool paths are relative to it; nothing outside it is reachable).`,
    `Tools: ${input.toolNames.join(", ") || "none"}.`,
    "Look before you change: read the relevant files first. Keep edits small and exact, then check them by " +
      "running the code or its tests.",
    "When the task is done, or you need the user, reply with a short answer and no tool call.",
  ];
  if (input.droppedMessages) {
    lines.push(`(${input.droppedMessages} earlier messages were dropped to fit the context budget.)`);
  }
  for (const note of input.notes ?? []) lines.push(`Note: ${note}`);
  return [lines.join("\n"), input.instructions ?? "", ...(input.sections ?? [])]
    .filter((part) => part !== "")
    .join("\n\n");
}
