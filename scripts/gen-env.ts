// npm run gen:env: writes .env.example from the settings table (agent/src/settings.ts). A test fails while the
// checked-in file differs from what the table renders, so run this after changing the table.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { appRoot } from "../agent/src/config.js";
import { renderEnvExample } from "../agent/src/settings-text.js";

const file = join(appRoot, ".env.example");
writeFileSync(file, renderEnvExample());
process.stdout.write(`wrote ${file}\n`);
