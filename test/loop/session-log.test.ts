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

describe("session log: compaction, turns and rewinds", () => {
  const summary = {
    text: "## Goal\nship it",
    files: { read: ["a.ts"], changed: [] },
    messages: 2,
    compactions: 1,
  };

  it("records a compaction and resumes from its summary and kept messages, then what followed", () => {
    const sessions = dir();
    const log = SessionLog.create(sessions, header, scrub);
    log.append({ role: "user", content: "old question" });
    log.append({ role: "assistant", content: "old answer" });
    log.append({ role: "user", content: "recent question" });
    log.compaction({
      outcome: "summarised",
      summary,
      messages: [{ role: "user", content: "recent question" }],
      removed: 2,
    });
    log.append({ role: "assistant", content: "recent answer" });
    const resumed = SessionLog.resume(sessions, "latest", scrub);
    expect(resumed.summary).toEqual(summary);
    expect(resumed.messages).toEqual([
      { role: "user", content: "recent question" },
      { role: "assistant", content: "recent answer" },
    ]);
  });

  it("keeps each turn's conversation and checkpoint, and a rewind goes back to before that turn", () => {
    const sessions = dir();
    const log = SessionLog.create(sessions, header, scrub);
    log.turn(1);
    log.checkpoint(1, "c1");
    log.append({ role: "user", content: "first" });
    log.append({ role: "assistant", content: "one" });
    log.turn(2);
    log.checkpoint(2, "c2");
    log.append({ role: "user", content: "second" });
    log.append({ role: "assistant", content: "two" });
    expect(log.turns.map((t) => [t.turn, t.prompt, t.checkpoint])).toEqual([
      [1, "first", "c1"],
      [2, "second", "c2"],
    ]);
    const state = log.rewind(2);
    expect(state.messages).toEqual([
      { role: "user", content: "first" },
      { role: "assistant", content: "one" },
    ]);
    expect(log.turns.map((t) => t.turn)).toEqual([1]);
    // The next turn takes the freed number; resume sees the same.
    log.turn(2);
    log.checkpoint(2, "c3");
    log.append({ role: "user", content: "second again" });
    const resumed = SessionLog.resume(sessions, "latest", scrub);
    expect(resumed.messages.map((m) => m.content)).toEqual(["first", "one", "second again"]);
    expect(resumed.log.turns.map((t) => [t.turn, t.prompt, t.checkpoint])).toEqual([
      [1, "first", "c1"],
      [2, "second again", "c3"],
    ]);
  });

  it("a rewind across a compaction brings back the messages it had summarised", () => {
    const sessions = dir();
    const log = SessionLog.create(sessions, header, scrub);
    log.turn(1);
    log.append({ role: "user", content: "first" });
    log.append({ role: "assistant", content: "one" });
    log.turn(2);
    log.append({ role: "user", content: "second" });
    log.compaction({
      outcome: "summarised",
      summary,
      messages: [{ role: "user", content: "second" }],
      removed: 2,
    });
    const state = log.rewind(2);
    expect(state.summary).toBeUndefined();
    expect(state.messages.map((m) => m.content)).toEqual(["first", "one"]);
  });
});
