// Checks every /mcp request passes before it reaches a transport: an optional bearer token and a Host/Origin
// allow-list (DNS-rebinding protection). Pure functions over header values, so they are easy to test and reuse.

import { createHash, timingSafeEqual } from "node:crypto";

/** Why a request was refused; `undefined` from a guard means it may pass. */
export interface GuardRefusal {
  /** HTTP status to answer with (401 or 403). */
  status: 401 | 403;
  /** One line for the client saying what was wrong and how to fix it. */
  message: string;
}

/** The hostname part of a Host header or an Origin URL, lower-cased, without port; undefined if unparsable. */
export function hostnameOf(value: string, isOrigin: boolean): string | undefined {
  try {
    return new URL(isOrigin ? value : `http://${value}`).hostname.toLowerCase();
  } catch {
    return undefined;
  }
}

/**
 * Accepts the request when its Host (and Origin, if the client sent one) names an allowed host.
 * `"*"` in the list turns the check off (for servers behind a reverse proxy that rewrites Host).
 */
export function checkHost(
  allowedHosts: readonly string[],
  host: string | undefined,
  origin: string | undefined,
): GuardRefusal | undefined {
  if (allowedHosts.includes("*")) return undefined;
  const allowed = new Set(allowedHosts.map((h) => h.toLowerCase()));
  const hostname = host === undefined ? undefined : hostnameOf(host, false);
  if (hostname === undefined || !allowed.has(hostname)) {
    return {
      status: 403,
      message: `Host '${host ?? ""}' is not allowed; connect through one of ${[...allowed].join(", ")} or add it to MCP_ALLOWED_HOSTS`,
    };
  }
  // Non-browser clients send no Origin; a browser page's Origin must name an allowed host too ("null",
  // from sandboxed frames and file:// pages, never does).
  if (origin !== undefined) {
    const originHost = hostnameOf(origin, true);
    if (originHost === undefined || !allowed.has(originHost)) {
      return { status: 403, message: `Origin '${origin}' is not allowed; add its host to MCP_ALLOWED_HOSTS` };
    }
  }
  return undefined;
}

/**
 * Accepts the request when no token is configured or the Authorization header carries exactly it.
 * `variable` names where the token comes from, for the refusal message.
 */
export function checkBearer(
  token: string | undefined,
  authorization: string | undefined,
  variable = "MCP_AUTH_TOKEN",
): GuardRefusal | undefined {
  if (token === undefined || token === "") return undefined;
  const match = /^Bearer\s+(.+)$/i.exec(authorization ?? "");
  // Hash both sides so the comparison is constant-time whatever the lengths.
  const digest = (s: string) => createHash("sha256").update(s).digest();
  if (match?.[1] !== undefined && timingSafeEqual(digest(match[1].trim()), digest(token))) return undefined;
  return {
    status: 401,
    message: `Missing or wrong bearer token: send 'Authorization: Bearer <${variable}>'`,
  };
}
