/**
 * Event data and metadata as SQL string literals, quoted here rather than by the driver.
 *
 * mysql2 escapes `"` as well, which JSON is full of: every event then takes a character loop
 * in the service and an unescape pass in the server's lexer. Inside single quotes a `"` needs
 * no escape, so only the characters that end or bend a single-quoted literal are escaped (the
 * driver's own set less `"`, `\b` and `\t`, which stand for themselves), and JSON text, which
 * has none of them unless a value holds a quote or a backslash, travels as it is. Like the
 * driver's escaping, this assumes the server's default: backslash escapes on (no
 * NO_BACKSLASH_ESCAPES in sql_mode), on a utf8mb4 connection.
 */
// eslint-disable-next-line no-control-regex -- NUL and Ctrl-Z are what must be escaped
const SPECIAL = /[\0\n\r\x1a'\\]/g;
const ESCAPES: Record<string, string> = {
  '\0': '\\0',
  '\n': '\\n',
  '\r': '\\r',
  '\x1a': '\\Z',
  "'": "\\'",
  '\\': '\\\\',
};

export function quoteText(text: string): string {
  return `'${text.replace(SPECIAL, (c) => ESCAPES[c]!)}'`;
}

/** A value the driver pastes as given: its text is already a complete SQL literal. */
export class SqlText {
  readonly literal: string;
  constructor(text: string) {
    this.literal = quoteText(text);
  }
  toSqlString(): string {
    return this.literal;
  }
}

/** About how many characters a bound value adds to its statement. */
export function sqlSize(value: unknown): number {
  if (typeof value === 'string') return value.length;
  return value instanceof SqlText ? value.literal.length : 16;
}
