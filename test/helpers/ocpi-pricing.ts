/**
 * An eMSP's own pricing of a CDR, written for the tests from OCPI 2.2.1 §11 (independent of
 * core/ocpi/tariffs.ts): for each charging period and each of its dimensions, the first tariff
 * element whose restrictions hold at the period's start (day_of_week, start_time/end_time in the
 * location's time zone; end before start spans midnight) and that has a price component of that
 * dimension prices it (ENERGY per kWh, TIME and PARKING_TIME per hour); FLAT once, from the first
 * element with one that holds at the session start. Each dimension's sum is rounded to cents.
 */

function local(iso: string, timeZone: string): { day: string; hhmm: string } {
  const parts = Object.fromEntries(new Intl.DateTimeFormat('en-US', { timeZone, weekday: 'long', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).formatToParts(new Date(iso)).map((p) => [p.type, p.value]));
  return { day: String(parts.weekday).toUpperCase(), hhmm: `${parts.hour}:${parts.minute}` };
}

function holds(restrictions: any, at: { day: string; hhmm: string }): boolean {
  if (!restrictions) return true;
  if (restrictions.day_of_week && !restrictions.day_of_week.includes(at.day)) return false;
  const { start_time: start, end_time: end } = restrictions;
  if (start && end) return start < end ? at.hhmm >= start && at.hhmm < end : at.hhmm >= start || at.hhmm < end;
  if (start && at.hhmm < start) return false;
  if (end && at.hhmm >= end) return false;
  return true;
}

export function priceCdr(cdr: any, tariff: any, timeZone: string): { excl_vat: number; byType: Record<string, number> } {
  const sums: Record<string, number> = { ENERGY: 0, TIME: 0, PARKING_TIME: 0, FLAT: 0 };
  const componentAt = (type: string, iso: string) => {
    const at = local(iso, timeZone);
    for (const element of tariff.elements) {
      if (!holds(element.restrictions, at)) continue;
      const component = element.price_components.find((c: any) => c.type === type);
      if (component) return component;
    }
    return undefined;
  };
  for (const period of cdr.charging_periods) {
    for (const d of period.dimensions) {
      if (!(d.type in sums) || d.type === 'FLAT') continue;
      sums[d.type]! += d.volume * (componentAt(d.type, period.start_date_time)?.price ?? 0);
    }
  }
  sums.FLAT = componentAt('FLAT', cdr.start_date_time)?.price ?? 0;
  const cents = (n: number) => Math.round(n * 100 + 1e-9) / 100;
  const byType = Object.fromEntries(Object.entries(sums).map(([k, v]) => [k, cents(v)]));
  return { excl_vat: cents(Object.values(byType).reduce((a, b) => a + b, 0)), byType };
}
