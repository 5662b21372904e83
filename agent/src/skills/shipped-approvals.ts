// The approvals of the skills that ship in skills/, pinned in the agent's own code: a skill whose files hash to
// its pin is the code the maintainers reviewed, wherever its directory is and whoever could write there. After
// editing a shipped skill, run its tests and put its new hash here (test/skills/import-check.test.ts prints it).
import type { ApprovalEntry } from "./approval-ledger.js";

export const SHIPPED_APPROVALS: Readonly<Record<string, ApprovalEntry>> = {
  bug_fix: {
    sha256: "66b21e1c7d3279052172efc0e7e426f55c10ba207867526b88a98e2cc282559e",
    approvedBy: "ts-coding-agent maintainers (reference skill)",
    approvedAt: "2026-12-01T10:47:16.648Z",
  },
  create_skill: {
    sha256: "11ce36aa1491b260848ba715e00f3f2dc3acf6f6160e4c4c52b125e8c1e7cd21",
    approvedBy: "ts-coding-agent maintainers (reference skill)",
    approvedAt: "2025-11-21T00:00:00.000Z",
  },
  doc_sync: {
    sha256: "b089a77a3d43890531047dd021637f06bb29f5994ac97567f485f1d6a2328485",
    approvedBy: "ts-coding-agent maintainers (reference skill)",
    approvedAt: "2025-11-21T00:00:00.000Z",
  },
  generate_playbook: {
    sha256: "e32b513f442d80eb6433ecd38d840b95b951f1f74d164b7ba581f0a393e84dc3",
    approvedBy: "ts-coding-agent maintainers (reference skill)",
    approvedAt: "2025-11-21T00:00:00.000Z",
  },
  hello: {
    sha256: "6d46e6a2b1cea7b89a4537705d97ddf0fb6a61d323c043b2816e10c3083223b5",
    approvedBy: "ts-coding-agent maintainers (reference skill)",
    approvedAt: "2025-11-21T00:00:00.000Z",
  },
  refactor_extract_function: {
    sha256: "e7be0e5e1f744fc6d8ec875dbc2efd7521fc737b56a50df7c36ec70cdcc129ff",
    approvedBy: "ts-coding-agent maintainers (reference skill)",
    approvedAt: "2026-12-01T10:47:16.648Z",
  },
  scaffold_project: {
    sha256: "b3cb557ad0b36d502d40b13e3db0b7f4ae24a4cb058dacf54cab9d2af8795bef",
    approvedBy: "ts-coding-agent maintainers (reference skill)",
    approvedAt: "2025-11-21T00:00:00.000Z",
  },
};
