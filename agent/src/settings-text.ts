// The two texts rendered from the settings table: .env.example (written by `npm run gen:env`, checked by a
// test) and the environment section of `agent --help`.
import { SETTING_SECTIONS, SETTINGS, type Setting, type SettingSection } from "./settings.js";

const EXAMPLE_HEADER = [
  "# ts-coding-agent: every variable the agent reads, with its default. Copy to .env and edit; an empty value",
  "# means the default. docker compose reads .env and passes every setting to the agent container (the folders",
  '# marked "Compose:" are fixed to its mounts); `npm run agent` reads the real environment (export them, or',
  "# use `node --env-file=.env`). Flags override variables (agent --help).",
];
/** Width of a section's rule line in .env.example. */
const RULE_WIDTH = 105;
/** Width --help wraps its environment list at. */
const HELP_WIDTH = 110;

function bySection(): [SettingSection, [string, Setting][]][] {
  const rows = Object.entries(SETTINGS) as [string, Setting][];
  return (Object.keys(SETTING_SECTIONS) as SettingSection[]).map((section) => [
    section,
    rows.filter(([, row]) => row.section === section),
  ]);
}

/** The .env.example file: a header, then per section a rule line and each variable under its comment. */
export function renderEnvExample(): string {
  const lines = [...EXAMPLE_HEADER];
  for (const [section, rows] of bySection()) {
    const title = `# ── ${SETTING_SECTIONS[section]} `;
    lines.push("", title.padEnd(RULE_WIDTH, "─"));
    for (const [name, row] of rows) {
      lines.push(...row.description.map((line) => `# ${line}`), `${name}=${row.default}`);
    }
  }
  return `${lines.join("\n")}\n`;
}

/** The environment section of --help: per section, each variable with its default (secrets without one). */
export function renderEnvHelp(): string {
  const lines = ["Environment (empty or unset means the default; .env.example explains each):"];
  for (const [section, rows] of bySection()) {
    if (section === "compose") continue;
    lines.push(`  ${SETTING_SECTIONS[section]}:`);
    let line = "   ";
    for (const [name, row] of rows) {
      const item = row.default === "" || row.secret ? name : `${name}=${row.default}`;
      if (line.length + 1 + item.length > HELP_WIDTH && line.trim() !== "") {
        lines.push(line);
        line = "   ";
      }
      line += ` ${item}`;
    }
    lines.push(line);
  }
  return lines.join("\n");
}
