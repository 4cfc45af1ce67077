/** MySQL/MariaDB error classification, by the driver's stable error codes. */
type DriverError = { code?: string; errno?: number; name?: string };

const CONNECTION_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EHOSTUNREACH',
  'PROTOCOL_CONNECTION_LOST',
  'PROTOCOL_SEQUENCE_TIMEOUT',
  'ER_SERVER_SHUTDOWN',
  'ER_CON_COUNT_ERROR',
]);

export function isConnectionError(error: unknown): boolean {
  const e = error as DriverError;
  return (
    (e?.code !== undefined && CONNECTION_CODES.has(e.code)) ||
    e?.name === 'KnexTimeoutError' ||
    /Connection lost|Can't add new command when connection is in closed state/.test(
      String((error as Error)?.message),
    )
  );
}

/** A deadlock or lock wait timeout: the whole transaction can simply run again. */
export function isRetryableTxError(error: unknown): boolean {
  const code = (error as DriverError)?.code;
  return code === 'ER_LOCK_DEADLOCK' || code === 'ER_LOCK_WAIT_TIMEOUT';
}

export function isDuplicateKey(error: unknown): boolean {
  return (error as DriverError)?.code === 'ER_DUP_ENTRY';
}
