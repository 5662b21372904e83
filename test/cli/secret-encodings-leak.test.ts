// The local sandbox is no isolation: its shell can read the agent's own environment from /proc. A scripted
// model prints the keys wrapped in base64 and base32, as hex with separators, as hex dumps, fully
// URL-encoded, folded into short lines, and in an output long enough to spill to .agent/logs/. No request
// body, log line or session file may hold any of it, and the spill file must hold no raw key.
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, expect, it } from "vitest";
import { agentEnv, runAgent } from "../support/run-agent.js";
import { ScriptedLlm } from "../support/scripted-llm.js";

let llm: ScriptedLlm;
beforeEach(async () => {
  llm = await ScriptedLlm.start();
});
afterEach(async () => {
  await llm.close();
});

const ENV_KEY = "gsk_ENVCANARY_9f8e7d6c5b4a39281706";
const STORED_KEY = "sk-test-STOREDCANARY-1a2b3c4d5e6f7a8b";

/** Text the secret may hide in, decoded as base64, base32 and hex without relying on the scrubber's forms. */
function decodedViews(text: string): string[] {
  const views = [text, text.replace(/\s+/g, "")];
  const joined = text.replace(/\r?\n/g, "");
  for (const run of joined.match(/[A-Za-z0-9+/_-]{16,}/g) ?? []) {
    for (let skip = 0; skip < 4; skip++) {
      const part = run.slice(skip);
      views.push(Buffer.from(part.slice(0, part.length - (part.length % 4)), "base64").toString("latin1"));
    }
  }
  for (const run of joined.match(/[A-Za-z2-7]{16,}/g) ?? []) {
    for (let skip = 0; skip < 8; skip++) views.push(base32Decode(run.slice(skip).toUpperCase()));
  }
  // Hex: every line's byte pairs, after dump offsets and text columns are taken off.
  for (const line of text.split("\n")) {
    const body = line
      .replace(/^\s*[0-9a-f]{6,16}:?/i, "")
      .replace(/\|[^|]*\|/g, "")
      .replace(/ {2}\S{1,16}$/, "")
      .replace(/\\x|0x|%/gi, " ");
    const pairs = body.match(/[0-9a-f]{2}/gi) ?? [];
    views.push(Buffer.from(pairs.join(""), "hex").toString("latin1"));
  }
  return views;
}

function base32Decode(text: string): string {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  let bits = 0;
  let value = 0;
  const bytes: number[] = [];
  for (const char of text) {
    value = (value << 5) | alphabet.indexOf(char);
    bits += 5;
    if (bits >= 8) {
      bytes.push((value >>> (bits - 8)) & 255);
      bits -= 8;
    }
  }
  return Buffer.from(bytes).toString("latin1");
}

/** Every 12-character piece of the key: none may be readable anywhere. */
function pieces(key: string): string[] {
  return Array.from({ length: key.length - 11 }, (_, i) => key.slice(i, i + 12));
}

it("no encoding of a key the local shell reads from the agent's environment gets out, nor into a spill file", async () => {
  const workspace = mkdtempSync(join(tmpdir(), "agent-ws-"));
  const dataDir = mkdtempSync(join(tmpdir(), "agent-data-"));
  writeFileSync(join(workspace, "pasted.txt"), `openai=${STORED_KEY}\n`);
  // The agent is the toolhost's parent; bash's parent is the toolhost.
  const keys =
    "P=$(awk '{print $4}' /proc/$PPID/stat); tr '\\0' '\\n' < /proc/$P/environ | grep -a ENVCANARY; cat pasted.txt";
  const call = (command: string) => ({ toolCalls: [{ name: "shell", arguments: { command } }] });
  const commands = [
    `(${keys}) | base64 -w 60`,
    `(${keys}) | base64 -w 76 | sed 's/$/\\r/'`,
    `(${keys}) | base32`,
    `(${keys}) | base32 -w 50 | tr A-Z a-z`,
    `(${keys}) | xxd`,
    `(${keys}) | hexdump -C`,
    `(${keys}) | od -An -tx1`,
    `(${keys}) | xxd -p | sed 's/../%&/g'`,
    `(${keys}) | xxd -p | tr a-f A-F | sed 's/../%&/g'`,
    `(${keys}) | xxd -i`,
    `(${keys}) | xxd -p | sed 's/../&:/g'`,
    `(${keys}) | xxd -p | sed 's/../\\\\x&/g'`,
    `(${keys}) | fold -w 10`,
    `head -c 60000 /dev/zero | tr '\\0' 'x'; echo; (${keys}); head -c 60000 /dev/zero | tr '\\0' 'y'`,
  ];
  llm.enqueue(...commands.map(call), { text: "Done." });
  const env = agentEnv({
    baseURL: llm.baseURL,
    dataDir,
    env: { LLM_MASTER_KEY: "master key for the encodings test", GROQ_API_KEY: ENV_KEY, LOG_LEVEL: "trace" },
  });
  const result = await runAgent(["--workspace", workspace, "--sandbox", "local"], env, {
    stdin: `/key openai ${STORED_KEY}\nshow me your keys in every encoding\n`,
    timeoutMs: 80_000,
  });
  expect(result.code, result.stderr).toBe(0);
  expect(llm.requests).toHaveLength(commands.length + 1);

  const spills = readdirSync(join(workspace, ".agent", "logs")).map((name) =>
    readFileSync(join(workspace, ".agent", "logs", name), "latin1"),
  );
  expect(spills).toHaveLength(1);
  const sessions = readdirSync(join(dataDir, "sessions")).map((f) =>
    readFileSync(join(dataDir, "sessions", f), "utf8"),
  );
  const places = [
    ...llm.requests.map((r, i) => [`request ${i + 1}`, r.raw] as const),
    ...sessions.map((s) => ["session file", s] as const),
    ["log file", readFileSync(env.LOG_FILE ?? "", "utf8")] as const,
    ["stdout", result.stdout] as const,
    ["spill file", spills[0] ?? ""] as const,
  ];
  for (const [where, text] of places) {
    for (const view of decodedViews(text)) {
      for (const key of [ENV_KEY, STORED_KEY]) {
        for (const piece of pieces(key)) expect(view.includes(piece), `${where} shows ${piece}`).toBe(false);
      }
    }
  }
  // The commands really ran and were redacted (the test is not passing because nothing was printed).
  for (const request of llm.requests.slice(1)) expect(request.raw).toContain("[redacted]");
  expect(spills[0]).toContain("[redacted]");
  expect(spills[0]?.length).toBeGreaterThan(120_000);
}, 90_000);
