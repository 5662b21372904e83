// Session files: a header then one JSON line per message, scrubbed; /clear recorded; resume by latest or by id
// prefix restores the messages after the last clear; a line torn by a crash does not lose the ones before it.
import { appendFileSync, mkdtempSync, readFileSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { listSessions, SessionLog, SessionNotFoundError } from "../../agent/src/loop/session-log.js";

const header = { workspace: "/ws", provider: "openai", model: "m" };
const scrub = (text: string) => text.replaceAll("sk-secret-123456", "[redacted]");
const dir = () => mkdtempSync(join(tmpdir(), "sessions-"));

describe("session log", () => {
  it("writes a header and one scrubbed line per message with usage, in a private file", () => {
    const sessions = dir();
    const log = SessionLog.create(sessions, header, scrub);
    log.append({ role: "user", content: "my key is sk-secret-123456" });
    log.append({ role: "assistant", content: "ok" }, { promptTokens: 5, completionTokens: 1 });
    const lines = readFileSync(log.path, "utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(lines[0]).toMatchObject({ type: "session", version: 1, id: log.id, ...header });
    expect(lines[1]).toMatchObject({ type: "message", message: { content: "my key is [redacted]" } });
    expect(lines[2]).toMatchObject({ usage: { promptTokens: 5, completionTokens: 1 } });
    expect(statSync(log.path).mode & 0o777).toBe(0o600);
  });

  it("resumes the latest session, or one named by an id prefix, with the messages after the last clear", () => {
    const sessions = dir();
    const first = SessionLog.create(sessions, header, scrub);
    first.append({ role: "user", content: "old" });
    first.clear();
    first.append({ role: "user", content: "kept" });
    const { log, messages } = SessionLog.resume(sessions, "latest", scrub);
    expect(log.id).toBe(first.id);
    expect(messages).toEqual([{ role: "user", content: "kept" }]);
    log.append({ role: "assistant", content: "appended after resume" });
    expect(SessionLog.resume(sessions, first.id.slice(0, 12), scrub).messages).toHaveLength(2);
    expect(listSessions(sessions)).toEqual([first.id]);
  });

  it("keeps every message before a line torn by a crash", () => {
    const sessions = dir();
    const log = SessionLog.create(sessions, header, scrub);
    log.append({ role: "user", content: "before the crash" });
    appendFileSync(log.path, '{"type":"message","message":{"role":"assis');
    expect(SessionLog.resume(sessions, "latest", scrub).messages).toEqual([
      { role: "user", content: "before the crash" },
    ]);
  });

  it("says what exists when a named session is missing, and what to do when there is none", () => {
    const sessions = dir();
    expect(() => SessionLog.resume(sessions, "latest", scrub)).toThrow(/No session to resume/);
    SessionLog.create(sessions, header, scrub);
    const error = (() => {
      try {
        SessionLog.resume(sessions, "nope", scrub);
      } catch (e) {
        return e;
      }
    })();
    expect(SessionNotFoundError.isInstance(error)).toBe(true);
    expect((error as Error).message).toMatch(/No session "nope".*Newest: .*--resume alone/);
  });
});
