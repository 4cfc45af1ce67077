/** A time as a DATETIME(3) column takes it, in UTC ('2026-11-23 10:00:00.000'). */
export function sqlTime(time: string | Date): string {
  const date = typeof time === 'string' ? new Date(time) : time;
  if (Number.isNaN(date.getTime())) throw new TypeError(`not a time: ${String(time)}`);
  return date.toISOString().slice(0, 23).replace('T', ' ');
}
