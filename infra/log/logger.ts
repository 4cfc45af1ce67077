import pino, { type DestinationStream, type Logger } from 'pino';

export type { Logger };

/**
 * One JSON object per line (stdout unless a destination is given: tests capture the lines);
 * roles and requests add their own fields as children.
 */
export function createLogger(options: {
  level: string;
  name?: string;
  destination?: DestinationStream;
}): Logger {
  const settings = {
    level: options.level,
    base: { service: options.name ?? 'flashsale' },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label: string) => ({ level: label }) },
  };
  return options.destination ? pino(settings, options.destination) : pino(settings);
}
