import { quoteText, SqlText, sqlSize } from '../../infra/eventstore/sql-text';

describe('event text as SQL literals', () => {
  it('When JSON holds no quote or backslash, then it is quoted as it is', () => {
    const json = JSON.stringify({ orderId: 'o-1', items: [{ skuId: 'hot', quantity: 1 }] });
    expect(quoteText(json)).toBe(`'${json}'`);
  });

  it('When text holds the characters that end or bend a literal, then each is escaped', () => {
    expect(quoteText("it's \\ \0 \n \r \x1a")).toBe("'it\\'s \\\\ \\0 \\n \\r \\Z'");
  });

  it('When text holds double quotes, tabs and other characters, then they stand for themselves', () => {
    expect(quoteText('"a"\t\b€🛒')).toBe(`'"a"\t\b€🛒'`);
  });

  it('When one text is quoted twice, then both literals are equal (no regex state is kept)', () => {
    const text = "a'b";
    expect(quoteText(text)).toBe(quoteText(text));
  });

  it('When a value is sized for a statement, then a literal counts its quoted length', () => {
    expect(sqlSize(new SqlText("x'y"))).toBe("'x\\'y'".length);
    expect(sqlSize('abc')).toBe(3);
    expect(sqlSize(42)).toBe(16);
  });
});
