// Registers the datetime tools on an MCP server: get_current_datetime, get_current_time and convert_time,
// each with an input schema, an output schema and structuredContent; failures become isError results.

import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { z } from "zod";
import { TimeService, TimeToolError } from "./time-service.js";

const timeResultShape = {
  timezone: z.string().describe("IANA time-zone name"),
  datetime: z.string().describe("ISO 8601 date and time with UTC offset, seconds precision"),
  day_of_week: z.string().describe("English weekday name"),
  is_dst: z.boolean().describe("True while daylight saving time is in effect"),
};

const readOnly = { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false };

/** A tool result carrying the same object as JSON text (for models) and as structuredContent. */
function structured(value: object): CallToolResult {
  return {
    content: [{ type: "text", text: JSON.stringify(value, null, 2) }],
    structuredContent: value as Record<string, unknown>,
  };
}

/** Runs a tool body, turning an expected TimeToolError into an isError result the model can act on. */
function guarded(body: () => object): CallToolResult {
  try {
    return structured(body());
  } catch (error) {
    if (!TimeToolError.isInstance(error)) throw error;
    return { content: [{ type: "text", text: error.message }], isError: true };
  }
}

export interface DatetimeToolsOptions {
  /** The clock; default the system clock. */
  now?: () => Date;
  /** Zone the descriptions suggest when the user names none; default the process's zone (TZ, else UTC). */
  localTimezone?: string;
}

/** Returns a registerTools function for serveMcp/runFromEnv; the clock is shared by every session. */
export function datetimeTools(options: DatetimeToolsOptions = {}): (server: McpServer) => void {
  const service = new TimeService(options.now);
  const local = options.localTimezone ?? Intl.DateTimeFormat().resolvedOptions().timeZone ?? "UTC";
  const zoneHint = (role: string) =>
    `${role}IANA timezone name (e.g., 'America/New_York', 'Europe/London'). Use '${local}' as local timezone if no timezone provided by the user.`;

  return (server) => {
    server.registerTool(
      "get_current_datetime",
      {
        description: "Get the current date and time in UTC (ISO 8601)",
        inputSchema: {},
        outputSchema: { datetime: z.string().describe("Current UTC time, ISO 8601 with Z suffix") },
        annotations: readOnly,
      },
      () => {
        const datetime = service.currentUtc();
        return { content: [{ type: "text", text: datetime }], structuredContent: { datetime } };
      },
    );

    server.registerTool(
      "get_current_time",
      {
        description: "Get current time in a specific timezone",
        inputSchema: { timezone: z.string().describe(zoneHint("")) },
        outputSchema: timeResultShape,
        annotations: readOnly,
      },
      ({ timezone }) => guarded(() => service.getCurrentTime(timezone)),
    );

    server.registerTool(
      "convert_time",
      {
        description: "Convert time between timezones",
        inputSchema: {
          source_timezone: z.string().describe(zoneHint("Source ")),
          time: z.string().describe("Time to convert in 24-hour format (HH:MM)"),
          target_timezone: z.string().describe(zoneHint("Target ")),
        },
        outputSchema: {
          source: z.object(timeResultShape),
          target: z.object(timeResultShape),
          time_difference: z.string().describe("Target minus source UTC offset in hours, e.g. +4.75h"),
        },
        annotations: readOnly,
      },
      ({ source_timezone, time, target_timezone }) =>
        guarded(() => service.convertTime(source_timezone, time, target_timezone)),
    );
  };
}
