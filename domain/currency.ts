/**
 * The ISO 4217 codes of the currencies in use, from the CLDR data of the ICU that Node carries
 * (full ICU is built in since Node 13). A price must be in one of them, so the list leaves out,
 * rightly: XXX ("no currency"), XTS (reserved for testing), the funds and precious metals (XAU,
 * XBA, ...) and long-withdrawn codes (DEM). It follows CLDR, not ISO's own list: a code retired
 * or added lately (HRK, VED) is taken or refused as CLDR has it until a Node upgrade.
 */
const IN_USE = new Set(Intl.supportedValuesOf('currency'));

// A Node built without ICU's currency data would refuse every price: stop at start instead.
if (!['EUR', 'USD', 'JPY'].every((code) => IN_USE.has(code))) {
  throw new Error('this Node has no ISO 4217 currency data: run it with full ICU');
}

export function isIsoCurrency(code: string): boolean {
  return IN_USE.has(code);
}
