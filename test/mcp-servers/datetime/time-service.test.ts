// Golden conversions for the datetime tools' logic with a fixed clock: fractional-offset zones, both
// hemispheres' DST, each side of a DST change, skipped and repeated wall times. Expected values were computed
// with Python's zoneinfo, the reference time server's own zone library.

import { describe, expect, it } from "vitest";
import {
  formatHourDifference,
  TimeService,
  TimeToolError,
} from "../../../mcp-servers/datetime/src/time-service.js";

const at = (iso: string) => new TimeService(() => new Date(iso));

/** One golden: clock, source zone and time, target zone, then the expected source, target and difference. */
type Golden = [string, string, string, string, [string, string, boolean], [string, string, boolean], string];

const goldens: Golden[] = [
  // Kathmandu +5:45 against New York in winter and in summer.
  [
    "2024-01-15T12:00:00Z",
    "America/New_York",
    "09:30",
    "Asia/Kathmandu",
    ["2024-01-15T09:30:00-05:00", "Monday", false],
    ["2024-01-15T20:15:00+05:45", "Monday", false],
    "+10.75h",
  ],
  [
    "2024-07-15T12:00:00Z",
    "America/New_York",
    "09:30",
    "Asia/Kathmandu",
    ["2024-07-15T09:30:00-04:00", "Monday", true],
    ["2024-07-15T19:15:00+05:45", "Monday", false],
    "+9.75h",
  ],
  // Adelaide +10:30 in its summer (January), +9:30 in its winter; Kolkata +5:30 has no DST.
  [
    "2024-01-15T12:00:00Z",
    "Australia/Adelaide",
    "08:00",
    "Asia/Kolkata",
    ["2024-01-15T08:00:00+10:30", "Monday", true],
    ["2024-01-15T03:00:00+05:30", "Monday", false],
    "-5.0h",
  ],
  [
    "2024-07-15T12:00:00Z",
    "Australia/Adelaide",
    "08:00",
    "Asia/Kolkata",
    ["2024-07-15T08:00:00+09:30", "Monday", false],
    ["2024-07-15T04:00:00+05:30", "Monday", false],
    "-4.0h",
  ],
  // St John's -3:30 (-2:30 in summer).
  [
    "2024-07-15T12:00:00Z",
    "America/St_Johns",
    "12:00",
    "Europe/London",
    ["2024-07-15T12:00:00-02:30", "Monday", true],
    ["2024-07-15T15:30:00+01:00", "Monday", true],
    "+3.5h",
  ],
  [
    "2024-01-15T12:00:00Z",
    "America/St_Johns",
    "12:00",
    "Europe/London",
    ["2024-01-15T12:00:00-03:30", "Monday", false],
    ["2024-01-15T15:30:00+00:00", "Monday", false],
    "+3.5h",
  ],
  [
    "2024-01-15T12:00:00Z",
    "Asia/Kolkata",
    "23:50",
    "America/St_Johns",
    ["2024-01-15T23:50:00+05:30", "Monday", false],
    ["2024-01-15T14:50:00-03:30", "Monday", false],
    "-9.0h",
  ],
  // London either side of its 2024-03-31 change (New York already moved on 03-10).
  [
    "2024-03-30T12:00:00Z",
    "Europe/London",
    "12:00",
    "America/New_York",
    ["2024-03-30T12:00:00+00:00", "Saturday", false],
    ["2024-03-30T08:00:00-04:00", "Saturday", true],
    "-4.0h",
  ],
  [
    "2024-04-01T12:00:00Z",
    "Europe/London",
    "12:00",
    "America/New_York",
    ["2024-04-01T12:00:00+01:00", "Monday", true],
    ["2024-04-01T07:00:00-04:00", "Monday", true],
    "-5.0h",
  ],
  // New York either side of its 2024-03-10 change.
  [
    "2024-03-09T12:00:00Z",
    "America/New_York",
    "12:00",
    "Europe/London",
    ["2024-03-09T12:00:00-05:00", "Saturday", false],
    ["2024-03-09T17:00:00+00:00", "Saturday", false],
    "+5.0h",
  ],
  [
    "2024-03-11T12:00:00Z",
    "America/New_York",
    "12:00",
    "Europe/London",
    ["2024-03-11T12:00:00-04:00", "Monday", true],
    ["2024-03-11T16:00:00+00:00", "Monday", false],
    "+4.0h",
  ],
  // 01:30 happens twice on 2024-11-03 in New York: the first (EDT) occurrence, as Python's fold=0.
  [
    "2024-11-03T12:00:00Z",
    "America/New_York",
    "01:30",
    "UTC",
    ["2024-11-03T01:30:00-04:00", "Sunday", true],
    ["2024-11-03T05:30:00+00:00", "Sunday", false],
    "+4.0h",
  ],
  // "Today" is the date in the source zone, which can be a day ahead of UTC.
  [
    "2024-01-15T23:30:00Z",
    "Asia/Kathmandu",
    "06:00",
    "UTC",
    ["2024-01-16T06:00:00+05:45", "Tuesday", false],
    ["2024-01-16T00:15:00+00:00", "Tuesday", false],
    "-5.75h",
  ],
  [
    "2024-01-15T12:00:00Z",
    "Europe/London",
    "09:00",
    "Europe/London",
    ["2024-01-15T09:00:00+00:00", "Monday", false],
    ["2024-01-15T09:00:00+00:00", "Monday", false],
    "+0.0h",
  ],
];

describe("TimeService.convertTime", () => {
  it.each(goldens)(
    "at %s converts %s %s to %s like the reference",
    (clock, src, time, tgt, source, target, diff) => {
      expect(at(clock).convertTime(src, time, tgt)).toEqual({
        source: { timezone: src, datetime: source[0], day_of_week: source[1], is_dst: source[2] },
        target: { timezone: tgt, datetime: target[0], day_of_week: target[1], is_dst: target[2] },
        time_difference: diff,
      });
    },
  );

  it("refuses a wall time skipped by spring forward, naming the zone and date", () => {
    expect(() => at("2024-03-10T12:00:00Z").convertTime("America/New_York", "02:30", "UTC")).toThrow(
      "Invalid time: 02:30 does not exist in America/New_York on 2024-03-10 (skipped by a clock change)",
    );
  });

  it.each(["25:00", "12:60", "12", "noon", "12:00:00", " 12:00", "1:2:3", ""])(
    "refuses the time %j",
    (time) => {
      expect(() => at("2024-01-15T12:00:00Z").convertTime("UTC", time, "UTC")).toThrow(
        "Invalid time format. Expected HH:MM [24-hour format]",
      );
    },
  );

  it("accepts one-digit hours and minutes as strptime does", () => {
    expect(at("2024-01-15T12:00:00Z").convertTime("UTC", "9:5", "UTC").source.datetime).toBe(
      "2024-01-15T09:05:00+00:00",
    );
  });

  it("refuses unknown zones and empty zone names with the reference's messages", () => {
    const service = at("2024-01-15T12:00:00Z");
    expect(() => service.convertTime("Mars/Olympus", "12:00", "UTC")).toThrow(
      /^Invalid timezone: 'Mars\/Olympus'/,
    );
    expect(() => service.convertTime("UTC", "12:00", "+05:30")).toThrow(/^Invalid timezone: '\+05:30'/);
    expect(() => service.convertTime("", "12:00", "UTC")).toThrow(
      "Missing required argument: source_timezone",
    );
    expect(() => service.convertTime("UTC", "12:00", "")).toThrow(
      "Missing required argument: target_timezone",
    );
    expect(() => service.convertTime("Nowhere", "12:00", "UTC")).toThrow(TimeToolError);
  });
});

describe("TimeService.getCurrentTime", () => {
  it("reads the injected clock in the zone, with offset, weekday and DST flag", () => {
    expect(at("2024-01-15T12:00:00Z").getCurrentTime("Asia/Kathmandu")).toEqual({
      timezone: "Asia/Kathmandu",
      datetime: "2024-01-15T17:45:00+05:45",
      day_of_week: "Monday",
      is_dst: false,
    });
    expect(at("2024-07-04T23:59:59Z").getCurrentTime("Europe/London")).toEqual({
      timezone: "Europe/London",
      datetime: "2024-07-05T00:59:59+01:00",
      day_of_week: "Friday",
      is_dst: true,
    });
  });

  it("refuses an empty or unknown zone", () => {
    expect(() => at("2024-01-15T12:00:00Z").getCurrentTime("")).toThrow(
      "Missing required argument: timezone",
    );
    expect(() => at("2024-01-15T12:00:00Z").getCurrentTime("Europe/Atlantis")).toThrow(/^Invalid timezone/);
  });

  it("gives the current UTC time with seconds precision", () => {
    expect(at("2024-01-15T12:34:56.789Z").currentUtc()).toBe("2024-01-15T12:34:56Z");
  });
});

describe("formatHourDifference", () => {
  it.each([
    [0, "+0.0h"],
    [60, "+1.0h"],
    [-300, "-5.0h"],
    [285, "+4.75h"],
    [330, "+5.5h"],
    [-210, "-3.5h"],
    [-45, "-0.75h"],
  ])("formats %i minutes as %s", (minutes, expected) => {
    expect(formatHourDifference(minutes)).toBe(expected);
  });
});
