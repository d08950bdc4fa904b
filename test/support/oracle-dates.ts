// An independent date oracle for property tests of the runtime's calendar. It deliberately uses
// a different algorithm from @pol/runtime (which does integer days-from-civil arithmetic):
// JavaScript's UTC Date for day arithmetic and an explicit month-length table for clamping.
// Valid for years 1000-9999 (Date.UTC maps years 0-99 to 1900-1999, which the tests avoid).

const MS_PER_DAY = 86_400_000;

export interface Civil {
  year: number;
  month: number;
  day: number;
}

export function parse(iso: string): Civil {
  const [year, month, day] = iso.split("-").map(Number) as [number, number, number];
  return { year, month, day };
}

export function format({ year, month, day }: Civil): string {
  return `${String(year).padStart(4, "0")}-${String(month).padStart(2, "0")}-${String(day).padStart(2, "0")}`;
}

/** Month length by asking Date for "day 0 of the next month" (the last day of this one). */
export function monthLength(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

function epochDay(iso: string): number {
  const { year, month, day } = parse(iso);
  return Date.UTC(year, month - 1, day) / MS_PER_DAY;
}

function fromEpochDay(days: number): string {
  const date = new Date(days * MS_PER_DAY);
  return format({ year: date.getUTCFullYear(), month: date.getUTCMonth() + 1, day: date.getUTCDate() });
}

export function oracleAddDays(iso: string, days: number): string {
  return fromEpochDay(epochDay(iso) + days);
}

export function oracleDaysBetween(from: string, to: string): number {
  return epochDay(to) - epochDay(from);
}

/** Move `months` whole months by counting them one at a time, then clamp the day. */
export function oracleAddMonths(iso: string, months: number): string {
  const { year, month, day } = parse(iso);
  let y = year;
  let m = month;
  const step = months >= 0 ? 1 : -1;
  for (let i = 0; i !== months; i += step) {
    m += step;
    if (m === 13) {
      m = 1;
      y += 1;
    } else if (m === 0) {
      m = 12;
      y -= 1;
    }
  }
  return format({ year: y, month: m, day: Math.min(day, monthLength(y, m)) });
}

/** Largest n >= 0 with addMonths(from, n) <= to, found by walking n upwards (from <= to). */
export function oracleMonthsBetween(from: string, to: string): number {
  let n = 0;
  while (oracleAddMonths(from, n + 1) <= to) n++;
  return n;
}

export function isLeap(year: number): boolean {
  return monthLength(year, 2) === 29;
}
