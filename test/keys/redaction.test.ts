// A real pino logger writing to a temp file never lets a known secret or a secret field through:
// not in fields, messages, interpolation arguments, errors with request headers, or child-logger bindings.
import { readFile } from "node:fs/promises";
import path from "node:path";
import { pino } from "pino";
import { afterEach, describe, expect, it } from "vitest";
import {
  logRedactionOptions,
  redactPaths,
  scrubbingDestination,
  scrubLogRecord,
} from "../../agent/src/keys/redaction.js";
import { REDACTED, SecretSet } from "../../agent/src/keys/secrets.js";
import { TempDirs } from "./support/temp-store.js";

const temp = new TempDirs();
afterEach(() => temp.cleanup());

const SECRET = "sk-ant-api03-0123456789abcdefghijkl";
const FIELD_ONLY = "not-a-known-secret-but-in-a-secret-field";

/** A logger with the full redaction setup, writing synchronously to a temp file; returns it and a reader. */
async function fileLogger(secrets: SecretSet) {
  const file = path.join(await temp.make(), "agent.log");
  const destination = pino.destination({ dest: file, sync: true });
  const logger = pino(
    { ...logRedactionOptions(secrets), level: "debug" },
    scrubbingDestination(secrets, destination),
  );
  return {
    logger,
    read: async () => {
      destination.flushSync();
      return readFile(file, "utf8");
    },
  };
}

describe("log redaction", () => {
  it("builds a valid pino configuration from its paths", () => {
    expect(() => pino({ redact: [...redactPaths] })).not.toThrow();
    expect(redactPaths).toContain('*.headers["authorization"]');
  });

  it("redacts known secrets in fields, messages, format arguments and base64, and secret fields by path", async () => {
    const secrets = new SecretSet([SECRET]);
    const { logger, read } = await fileLogger(secrets);
    const fields = {
      apiKey: FIELD_ONLY,
      request: { headers: { authorization: `Bearer ${FIELD_ONLY}` }, body: `{"key":"${SECRET}"}` },
      note: `basic ${Buffer.from(`user:${SECRET}`).toString("base64")}`,
    };
    logger.info(fields, "calling provider with %s", SECRET);
    logger.warn(`plain message ${SECRET}`);
    logger.debug({ url: `https://x.test/?k=${encodeURIComponent(SECRET)}` });

    const text = await read();
    const lines = text
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line));
    expect(lines).toHaveLength(3);
    expect(text).not.toContain(SECRET);
    expect(text).not.toContain(FIELD_ONLY);
    expect(lines[0].apiKey).toBe(REDACTED);
    expect(lines[0].request.headers.authorization).toBe(REDACTED);
    expect(lines[0].msg).toBe(`calling provider with ${REDACTED}`);
    expect(lines[1].msg).toBe(`plain message ${REDACTED}`);
    // The logged object itself was not modified.
    expect(fields.apiKey).toBe(FIELD_ONLY);
  });

  it("redacts errors that carry request headers, in message, stack, config and cause", async () => {
    const secrets = new SecretSet([SECRET]);
    const { logger, read } = await fileLogger(secrets);
    const error = Object.assign(
      new Error(`401 Unauthorized for ${SECRET}`, { cause: new Error(`inner ${SECRET}`) }),
      {
        config: { headers: { authorization: `Bearer ${FIELD_ONLY}`, "x-api-key": FIELD_ONLY } },
      },
    );
    logger.error({ err: error }, "provider failed");
    logger.error(error);

    const text = await read();
    expect(text).not.toContain(SECRET);
    expect(text).not.toContain(FIELD_ONLY);
    const [first, second] = text
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line));
    expect(first.err.type).toBe("Error");
    // pino's err serializer appends the cause's message.
    expect(first.err.message).toBe(`401 Unauthorized for ${REDACTED}: inner ${REDACTED}`);
    expect(first.err.stack).toContain(REDACTED);
    expect(first.err.config.headers.authorization).toBe(REDACTED);
    expect(second.msg).toBe(`401 Unauthorized for ${REDACTED}`);
    expect(error.message).toContain(SECRET);
  });

  it("catches secrets added after the logger was made and in child-logger bindings", async () => {
    const secrets = new SecretSet();
    const { logger, read } = await fileLogger(secrets);
    const child = logger.child({ session: `s-${SECRET}` });
    secrets.add(SECRET);
    child.info({ value: SECRET }, "late");
    const text = await read();
    expect(text).not.toContain(SECRET);
    expect(JSON.parse(text).session).toBe(`s-${REDACTED}`);
  });

  it("scrubLogRecord returns a redacted copy and leaves the record alone", () => {
    const secrets = new SecretSet([SECRET]);
    const record = { a: SECRET, nested: { b: [SECRET] } };
    expect(scrubLogRecord(secrets, record)).toEqual({ a: REDACTED, nested: { b: [REDACTED] } });
    expect(record.a).toBe(SECRET);
  });
});
