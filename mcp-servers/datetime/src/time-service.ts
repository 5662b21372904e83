// The datetime tools' logic, with an injected clock: current time in a zone and wall-time conversion between
// zones, with the same fields and error meanings as the reference MCP time server (modelcontextprotocol/servers).
import { namedError } from "@ts-coding-agent/mcp-kit/named-error";

import {
  instantOfWallClock,
  isDstAt,
  isKnownZone,
  isoInZone,
  offsetMinutesAt,
  wallClockAt,
} from "./zone-math.js";

/** A moment seen in one zone (the reference's TimeResult). */
export interface TimeResult {
  /** The IANA zone name, as the caller spelled it. */
  timezone: string;
  /** ISO 8601 with seconds precision and UTC offset, e.g. 2024-01-15T17:45:00+05:45. */
  datetime: string;
  /** English weekday name. */
  day_of_week: string;
  /** True while daylight saving time is in effect. */
  is_dst: boolean;
}

/** A wall time converted between zones (the reference's TimeConversionResult). */
export interface TimeConversionResult {
  /** The time in the source zone, on today's date there. */
  source: TimeResult;
  /** The same instant in the target zone. */
  target: TimeResult;
  /** Target offset minus source offset in hours: "+1.0h", "-5.0h", "+4.75h", "+5.5h". */
  time_difference: string;
}

/** An expected failure of a time tool; the message is what the model reads. */
export class TimeToolError extends namedError("TimeToolError") {}

/** Formats an hour difference as the reference does: one decimal when whole, else up to two, sign always. */
export function formatHourDifference(minutes: number): string {
  const hours = minutes / 60;
  if (Number.isInteger(hours)) return `${hours < 0 ? "-" : "+"}${Math.abs(hours).toFixed(1)}h`;
  const fixed = Math.abs(hours).toFixed(2).replace(/0+$/, "").replace(/\.$/, "");
  return `${hours < 0 ? "-" : "+"}${fixed}h`;
}

export class TimeService {
  /** @param now the clock; tests pass a fixed one. */
  constructor(private readonly now: () => Date = () => new Date()) {}

  /** The current UTC time, ISO 8601 with seconds precision and a Z suffix. */
  currentUtc(): string {
    return `${this.now().toISOString().slice(0, 19)}Z`;
  }

  getCurrentTime(timezone: string): TimeResult {
    if (timezone === "") throw new TimeToolError("Missing required argument: timezone");
    requireZone(timezone);
    return timeIn(timezone, this.now().getTime());
  }

  /** Converts `time` (HH:MM, 24-hour) on today's date in the source zone to the target zone. */
  convertTime(sourceZone: string, time: string, targetZone: string): TimeConversionResult {
    if (sourceZone === "") throw new TimeToolError("Missing required argument: source_timezone");
    if (targetZone === "") throw new TimeToolError("Missing required argument: target_timezone");
    requireZone(sourceZone);
    requireZone(targetZone);
    // Same leniency as strptime("%H:%M"): one or two digits each.
    const match = /^(\d{1,2}):(\d{1,2})$/.exec(time);
    const hour = Number(match?.[1]);
    const minute = Number(match?.[2]);
    if (match === null || hour > 23 || minute > 59) {
      throw new TimeToolError("Invalid time format. Expected HH:MM [24-hour format]");
    }
    const today = wallClockAt(sourceZone, this.now().getTime());
    const wall = { year: today.year, month: today.month, day: today.day, hour, minute };
    const instant = instantOfWallClock(sourceZone, wall);
    if (instant === undefined) {
      const date = `${today.year}-${String(today.month).padStart(2, "0")}-${String(today.day).padStart(2, "0")}`;
      throw new TimeToolError(
        `Invalid time: ${time} does not exist in ${sourceZone} on ${date} (skipped by a clock change)`,
      );
    }
    const difference = offsetMinutesAt(targetZone, instant) - offsetMinutesAt(sourceZone, instant);
    return {
      source: timeIn(sourceZone, instant),
      target: timeIn(targetZone, instant),
      time_difference: formatHourDifference(difference),
    };
  }
}

function requireZone(zone: string): void {
  if (!isKnownZone(zone)) {
    throw new TimeToolError(
      `Invalid timezone: '${zone}' is not an IANA time zone name; use one like 'Europe/London' or 'America/New_York'`,
    );
  }
}

function timeIn(timezone: string, instant: number): TimeResult {
  return {
    timezone,
    datetime: isoInZone(timezone, instant),
    day_of_week: wallClockAt(timezone, instant).weekday,
    is_dst: isDstAt(timezone, instant),
  };
}
