import pino, { type Logger } from 'pino';

export type { Logger };

/** One JSON object per line on stdout; roles and requests add their own fields as children. */
export function createLogger(options: { level: string; name?: string }): Logger {
  return pino({
    level: options.level,
    base: { service: options.name ?? 'flashsale' },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
  });
}
