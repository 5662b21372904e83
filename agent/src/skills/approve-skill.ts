// Approval in two steps around the user's confirmation: check the skill and show what is being approved, then
// set `status: approved` in the front matter (only there) and record the hash of exactly what was shown.
import { userInfo } from "node:os";
import { join } from "node:path";
import { StoreConflictError } from "../store/store.js";
import { checkSkillImports } from "./import-check.js";
import type { SkillRegistry } from "./registry.js";
import { SkillUnavailableError } from "./skill-errors.js";
import { hashSkill } from "./skill-hash.js";
import { setSkillStatus } from "./skill-md.js";
import { typeCheckSkill } from "./type-check.js";

/** What the user is asked to approve. */
export interface ApprovalRequest {
  name: string;
  description: string;
  allowedTools: string[];
  /** sha256 of SKILL.md (status blanked) and skill.ts as checked. */
  hash: string;
  /** Whether it is already approved at this hash. */
  alreadyApproved: boolean;
}

/**
 * Validates the skill (front matter, import rules, type check against the skill API) without running any of
 * its code. Throws SkillUnavailableError saying what to fix.
 */
export async function prepareApproval(
  registry: SkillRegistry,
  name: string,
  skillApiPath?: string,
): Promise<ApprovalRequest> {
  const entry = await registry.get(name);
  if (!entry) {
    const known = (await registry.list()).map((e) => e.name).join(", ") || "none";
    throw new SkillUnavailableError(`No skill "${name}". Skills: ${known}.`, name);
  }
  if (entry.state.kind === "invalid" || !entry.manifest) {
    throw new SkillUnavailableError(
      `Cannot approve "${name}": ${entry.state.kind === "invalid" ? entry.state.error : "invalid"}`,
      name,
    );
  }
  const problems = [
    ...checkSkillImports(entry.skillTs).map((v) => `line ${v.line}: ${v.message}`),
    ...typeCheckSkill(join(entry.dir, "skill.ts"), skillApiPath, entry.skillTs),
  ];
  if (problems.length) {
    throw new SkillUnavailableError(
      `Cannot approve "${name}": skill.ts has problems:\n  ${problems.slice(0, 10).join("\n  ")}`,
      name,
    );
  }
  return {
    name,
    description: entry.manifest.description,
    allowedTools: entry.manifest.allowed_tools,
    hash: entry.hash,
    alreadyApproved: entry.state.kind === "approved",
  };
}

/**
 * Marks the skill approved and records the ledger entry, provided its files still hash to `request.hash`
 * (an edit between the question and the answer must not slip through). Returns who approved.
 */
export async function commitApproval(registry: SkillRegistry, request: ApprovalRequest): Promise<string> {
  const changed = () =>
    new SkillUnavailableError(
      `Skill "${request.name}" changed while you were asked; run /approve ${request.name} again.`,
      request.name,
    );
  const item = await registry.store.get("skill", request.name);
  const skillMd = item?.files["SKILL.md"];
  const skillTs = item?.files["skill.ts"];
  if (!item || skillMd === undefined || skillTs === undefined) throw changed();
  if (hashSkill(skillMd, skillTs) !== request.hash) throw changed();
  const approvedBy = currentUser();
  const updated = setSkillStatus(skillMd, "approved");
  if (updated !== skillMd) {
    // A versioned write: an edit by another agent since the read above loses nothing and is not approved.
    try {
      await registry.store.put(
        "skill",
        request.name,
        { "SKILL.md": updated, "skill.ts": skillTs },
        { expected: item.version },
      );
    } catch (error) {
      if (StoreConflictError.isInstance(error)) throw changed();
      throw error;
    }
  }
  await registry.ledger.record(request.name, {
    sha256: request.hash,
    approvedBy,
    approvedAt: new Date().toISOString(),
  });
  return approvedBy;
}

function currentUser(): string {
  try {
    return userInfo().username;
  } catch {
    return `uid ${process.getuid?.() ?? "unknown"}`;
  }
}
