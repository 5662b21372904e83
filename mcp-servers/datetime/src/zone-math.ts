// Time-zone arithmetic on IANA names with nothing but Intl.DateTimeFormat: validate a zone, read the wall
// clock and UTC offset of an instant in it, find the instant of a wall-clock time, and format ISO 8601.

/** A wall-clock reading in some zone. */
export interface WallClock {
  /** Full year. */
  year: number;
  /** Month 1-12. */
  month: number;
  /** Day of month 1-31. */
  day: number;
  /** Hour 0-23. */
  hour: number;
  /** Minute 0-59. */
  minute: number;
  /** Second 0-59. */
  second: number;
  /** English weekday name (Monday ... Sunday), as Python's strftime("%A"). */
  weekday: string;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

/** Intl needs a zone name; offsets ("+05:30") and odd spellings are not IANA names, so refuse them early. */
const ZONE_NAME = /^[A-Za-z][A-Za-z0-9_+\-/]*$/;

function formatterFor(zone: string): Intl.DateTimeFormat | undefined {
  const cached = formatters.get(zone);
  if (cached !== undefined) return cached;
  if (!ZONE_NAME.test(zone)) return undefined;
  try {
    const formatter = new Intl.DateTimeFormat("en-US", {
      timeZone: zone,
      hourCycle: "h23",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
      weekday: "long",
    });
    formatters.set(zone, formatter);
    return formatter;
  } catch {
    return undefined;
  }
}

/** True when `zone` is an IANA time-zone name this runtime knows. */
export function isKnownZone(zone: string): boolean {
  return formatterFor(zone) !== undefined;
}

/** The wall clock in `zone` at `instantMs`. The zone must be known (see isKnownZone). */
export function wallClockAt(zone: string, instantMs: number): WallClock {
  const formatter = formatterFor(zone);
  if (formatter === undefined) throw new RangeError(`Unknown time zone '${zone}'`);
  const parts: Record<string, string> = {};
  for (const part of formatter.formatToParts(new Date(instantMs))) parts[part.type] = part.value;
  return {
    year: Number(parts.year),
    month: Number(parts.month),
    day: Number(parts.day),
    hour: Number(parts.hour),
    minute: Number(parts.minute),
    second: Number(parts.second),
    weekday: parts.weekday ?? "",
  };
}

/** UTC offset of `zone` at `instantMs`, in minutes east of UTC (Kathmandu: 345, St John's in winter: -210). */
export function offsetMinutesAt(zone: string, instantMs: number): number {
  const w = wallClockAt(zone, instantMs);
  const wallAsUtc = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second);
  const wholeSecond = Math.floor(instantMs / 1000) * 1000;
  return Math.round((wallAsUtc - wholeSecond) / 60_000);
}

/**
 * True when daylight saving time is in effect: the offset is above the zone's smaller offset of January and
 * July of that year (works for both hemispheres; zones without DST have equal offsets and never match).
 */
export function isDstAt(zone: string, instantMs: number): boolean {
  const year = new Date(instantMs).getUTCFullYear();
  const january = offsetMinutesAt(zone, Date.UTC(year, 0, 1));
  const july = offsetMinutesAt(zone, Date.UTC(year, 6, 1));
  return offsetMinutesAt(zone, instantMs) > Math.min(january, july);
}

/**
 * The instant at which `zone`'s clock reads the given wall time, or undefined when a clock change skips it
 * (spring forward). A repeated time (fall back) resolves to its first occurrence, as Python's fold=0 does.
 */
export function instantOfWallClock(
  zone: string,
  wall: { year: number; month: number; day: number; hour: number; minute: number },
): number | undefined {
  const asUtc = Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute);
  const day = 24 * 3600_000;
  // The offsets a day either side cover both sides of any transition near this time.
  const offsets = new Set([offsetMinutesAt(zone, asUtc - day), offsetMinutesAt(zone, asUtc + day)]);
  const matches = [...offsets]
    .map((offset) => asUtc - offset * 60_000)
    .filter((instant) => {
      const w = wallClockAt(zone, instant);
      return (
        w.year === wall.year &&
        w.month === wall.month &&
        w.day === wall.day &&
        w.hour === wall.hour &&
        w.minute === wall.minute
      );
    });
  return matches.length === 0 ? undefined : Math.min(...matches);
}

const pad = (n: number, width = 2) => String(Math.abs(n)).padStart(width, "0");

/** ISO 8601 with seconds precision and the zone's offset, as Python's isoformat(timespec="seconds"). */
export function isoInZone(zone: string, instantMs: number): string {
  const w = wallClockAt(zone, instantMs);
  const offset = offsetMinutesAt(zone, instantMs);
  const sign = offset < 0 ? "-" : "+";
  const date = `${pad(w.year, 4)}-${pad(w.month)}-${pad(w.day)}`;
  const time = `${pad(w.hour)}:${pad(w.minute)}:${pad(w.second)}`;
  return `${date}T${time}${sign}${pad(Math.trunc(Math.abs(offset) / 60))}:${pad(Math.abs(offset) % 60)}`;
}
