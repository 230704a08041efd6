import { DATE_TIME_WITH_OFFSET } from '../api/i18n-text';

/**
 * A moment's calendar fields in an IANA time zone (the system's when omitted), with the zone's UTC offset: the one
 * reading behind the stamp's date, the report's and the CLI's times, and FirmaGob's Chilean clock. Formatters are
 * kept per zone (a process's first Intl.DateTimeFormat costs tens of milliseconds). An unknown zone name throws
 * RangeError, as Intl does.
 */
export type ZonedParts = {
  year: string;
  month: string;
  day: string;
  /** 00–23. */
  hour: string;
  minute: string;
  second: string;
  /** "-05:00", "+00:00". */
  offset: string;
};

const formats = new Map<string, Intl.DateTimeFormat>();

function formatFor(timeZone: string | undefined): Intl.DateTimeFormat {
  const key = timeZone ?? '';
  let fmt = formats.get(key);
  if (!fmt) {
    fmt = new Intl.DateTimeFormat('en-GB', { ...(timeZone ? { timeZone } : {}), ...DATE_TIME_WITH_OFFSET });
    formats.set(key, fmt);
  }
  return fmt;
}

export function zonedParts(d: Date, timeZone?: string): ZonedParts {
  const p = Object.fromEntries(
    formatFor(timeZone)
      .formatToParts(d)
      .map((x) => [x.type, x.value]),
  );
  const part = (k: string): string => p[k] ?? '';
  return {
    year: part('year'),
    month: part('month'),
    day: part('day'),
    hour: part('hour') === '24' ? '00' : part('hour'),
    minute: part('minute'),
    second: part('second'),
    offset: part('timeZoneName').replace('GMT', '') || '+00:00',
  };
}
