/**
 * A checksum of a set of ledger lines, the same whichever side sums it: each line's CRC-32 (of
 * `position/reason/refId/delta`, UTF-8, as MySQL's CRC32(CONCAT(...)) reads it) added up modulo
 * 2^32. Two sets that differ in any line's position, reason, order or units differ in it but for
 * a chance of about one in four thousand million; the line counts are compared beside it.
 */
export const CHECKSUM_MODULUS = 2 ** 32;

const TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

const utf8 = new TextEncoder();

/** CRC-32 (IEEE, as zlib and MySQL's CRC32) of `text` in UTF-8. */
export function crc32(text: string): number {
  let crc = 0xffffffff;
  for (const byte of utf8.encode(text)) crc = TABLE[(crc ^ byte) & 0xff]! ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

/** One line's share of the checksum. */
export const lineChecksum = (line: {
  position: string;
  reason: string;
  refId: string;
  delta: number;
}): number => crc32(`${line.position}/${line.reason}/${line.refId}/${line.delta}`);

/** Lines of one SKU, counted and checksummed. */
export type LineSummary = { lines: number; checksum: number };

export const addToSummary = (summary: LineSummary, checksum: number): LineSummary => ({
  lines: summary.lines + 1,
  checksum: (summary.checksum + checksum) % CHECKSUM_MODULUS,
});
