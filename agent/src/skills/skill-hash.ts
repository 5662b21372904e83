// The fingerprint an approval is bound to: sha256 over SKILL.md (status line blanked) and skill.ts.
// Editing either file changes it, which is what revokes an approval; setting the status does not.
import { createHash } from "node:crypto";
import { normaliseStatus } from "./skill-md.js";

/** Hex sha256 of the skill's two files, with lengths framing each so no shift between them hides an edit. */
export function hashSkill(skillMd: string, skillTs: string): string {
  const md = Buffer.from(normaliseStatus(skillMd), "utf8");
  const ts = Buffer.from(skillTs, "utf8");
  return createHash("sha256")
    .update(`SKILL.md ${md.length}\n`)
    .update(md)
    .update(`\nskill.ts ${ts.length}\n`)
    .update(ts)
    .digest("hex");
}
