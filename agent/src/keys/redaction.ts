// What pino needs so no secret reaches a log line: redaction by path (known secret fields) and by value
// (every key the SecretSet holds, in whatever field, message or error it hides).
import type { DestinationStream, LoggerOptions } from "pino";
import { REDACTED, type SecretSet } from "./secrets.js";

const SECRET_FIELDS = [
  "apiKey",
  "api_key",
  "masterKey",
  "password",
  "token",
  "accessToken",
  "access_token",
  "authorization",
] as const;
const SECRET_HEADERS = [
  "authorization",
  "cookie",
  "set-cookie",
  "x-api-key",
  "api-key",
  "proxy-authorization",
];

/**
 * pino `redact` paths for fields that hold secrets whatever their value: at the top level, one level down
 * (`*.apiKey`), in request headers, and in the `config.headers` an HTTP client error carries.
 */
export const redactPaths: readonly string[] = [
  ...SECRET_FIELDS.flatMap((field) => [field, `*.${field}`]),
  ...SECRET_HEADERS.flatMap((header) => [
    `headers["${header}"]`,
    `*.headers["${header}"]`,
    `req.headers["${header}"]`,
    `err.config.headers["${header}"]`,
    `err.request.headers["${header}"]`,
    `err.response.headers["${header}"]`,
  ]),
];

/**
 * A scrubbed copy of a log record (the object handed to pino, errors included). For `formatters.log`;
 * the record itself is not modified.
 */
export function scrubLogRecord(secrets: SecretSet, record: Record<string, unknown>): Record<string, unknown> {
  return secrets.scrubDeep(record) as Record<string, unknown>;
}

/**
 * pino options that redact by path and by value: `redact` (censor `[redacted]`), `formatters.log` (the
 * merged object) and `hooks.logMethod` (the message and its interpolation arguments, which the log
 * formatter never sees). Spread into the logger's options: `pino({ ...logRedactionOptions(secrets), level })`.
 */
export function logRedactionOptions(
  secrets: SecretSet,
): Pick<LoggerOptions, "redact" | "formatters" | "hooks"> {
  return {
    redact: { paths: [...redactPaths], censor: REDACTED },
    formatters: { log: (record) => scrubLogRecord(secrets, record) },
    hooks: {
      logMethod(args, method) {
        const scrubbed = secrets.scrubDeep(args) as Parameters<typeof method>;
        method.apply(this, scrubbed);
      },
    },
  };
}

/**
 * A pino destination that scrubs each serialized line before `target` gets it: the last line of defence,
 * covering child-logger bindings and anything a serializer adds after the formatters ran.
 */
export function scrubbingDestination(
  secrets: SecretSet,
  target: { write(line: string): unknown },
): DestinationStream {
  return {
    write(line: string) {
      target.write(secrets.scrub(line));
    },
  };
}
