// readServerEnv and the request guards as plain functions: defaults, parsing, and refusals of bad values.

import { checkBearer, checkHost, KitConfigError, readServerEnv } from "@ts-coding-agent/mcp-kit";
import { describe, expect, it } from "vitest";

const defaults = { serviceName: "python-mcp", port: 50052 };

describe("readServerEnv", () => {
  it("defaults to 0.0.0.0, the given port, and the service name plus loopback as allowed hosts", () => {
    expect(readServerEnv({}, defaults)).toEqual({
      port: 50052,
      host: "0.0.0.0",
      authToken: undefined,
      allowedHosts: ["python-mcp", "localhost", "127.0.0.1"],
      logLevel: "info",
      maxSessions: 64,
      sessionIdleMs: 1_800_000,
    });
  });

  it("reads every variable and splits MCP_ALLOWED_HOSTS on commas", () => {
    const env = readServerEnv(
      {
        PORT: "0",
        HOST: "127.0.0.1",
        MCP_AUTH_TOKEN: "t",
        MCP_ALLOWED_HOSTS: " a.example , b ,",
        LOG_LEVEL: "debug",
        MCP_MAX_SESSIONS: "3",
        MCP_SESSION_IDLE_SECONDS: "5",
      },
      defaults,
    );
    expect(env).toEqual({
      port: 0,
      host: "127.0.0.1",
      authToken: "t",
      allowedHosts: ["a.example", "b"],
      logLevel: "debug",
      maxSessions: 3,
      sessionIdleMs: 5000,
    });
  });

  it.each([
    ["PORT", "70000"],
    ["PORT", "http"],
    ["LOG_LEVEL", "loud"],
    ["MCP_MAX_SESSIONS", "0"],
    ["MCP_SESSION_IDLE_SECONDS", "-1"],
  ])("refuses %s=%s with a KitConfigError naming it", (variable, value) => {
    let caught: unknown;
    try {
      readServerEnv({ [variable]: value }, defaults);
    } catch (error) {
      caught = error;
    }
    expect(KitConfigError.isInstance(caught)).toBe(true);
    expect((caught as KitConfigError).variable).toBe(variable);
    expect((caught as KitConfigError).message).toContain(variable);
  });
});

describe("request guards", () => {
  it("checkHost compares hostnames without port, case-insensitively, and handles IPv6", () => {
    expect(checkHost(["localhost"], "LOCALHOST:8080", undefined)).toBeUndefined();
    expect(checkHost(["[::1]"], "[::1]:50051", undefined)).toBeUndefined();
    expect(checkHost(["localhost"], undefined, undefined)?.status).toBe(403);
    expect(checkHost(["localhost"], "localhost.evil.example", undefined)?.status).toBe(403);
    expect(checkHost(["localhost"], "localhost", "https://localhost:3000")).toBeUndefined();
    expect(checkHost(["localhost"], "localhost", "not a url")?.status).toBe(403);
  });

  it("checkBearer passes without a configured token and otherwise needs the exact token", () => {
    expect(checkBearer(undefined, undefined)).toBeUndefined();
    expect(checkBearer("abc", "Bearer abc")).toBeUndefined();
    expect(checkBearer("abc", "bearer abc")).toBeUndefined();
    expect(checkBearer("abc", "Bearer abcd")?.status).toBe(401);
    expect(checkBearer("abc", "Basic abc")?.status).toBe(401);
    expect(checkBearer("abc", undefined)?.status).toBe(401);
  });
});
