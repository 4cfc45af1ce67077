import {
  asksForHelp,
  oneOf,
  parseFlags,
  UsageError,
  wholeNumber,
  wholeNumbers,
} from '../../infra/cli/args';

const OPTIONS = {
  seconds: { type: 'string', default: '5' },
  publish: { type: 'boolean', default: false },
} as const;

describe('command-line flags', () => {
  it('When a flag that takes several values is given again, then each is kept', () => {
    expect(
      parseFlags(['--name', 'a', '--name', 'b'], { name: { type: 'string', multiple: true } }),
    ).toEqual({ name: ['a', 'b'] });
  });

  it('When flags are given, then they are read over their defaults', () => {
    expect(parseFlags([], OPTIONS)).toEqual({ seconds: '5', publish: false });
    expect(parseFlags(['--seconds', '9', '--publish'], OPTIONS)).toEqual({
      seconds: '9',
      publish: true,
    });
  });

  it.each([
    [['--second', '9'], /Unknown option '--second'/],
    [['--seconds'], /argument missing/],
    [['9'], /Unexpected argument '9'/],
    [['--publish=yes'], /does not take an argument/],
    [['--seconds', '9', '--seconds', '10'], /--seconds is given more than once/],
    [['--publish', '--publish'], /--publish is given more than once/],
  ])('When %j is given, then it is a usage error naming it', (argv, message) => {
    expect(() => parseFlags(argv, OPTIONS)).toThrow(UsageError);
    expect(() => parseFlags(argv, OPTIONS)).toThrow(message);
  });

  it('When --help or -h is anywhere, then the usage is asked for', () => {
    expect(asksForHelp(['--seconds', '3', '--help'])).toBe(true);
    expect(asksForHelp(['-h'])).toBe(true);
    expect(asksForHelp(['--seconds', '3'])).toBe(false);
  });
});

describe('command-line values', () => {
  it('When a whole number is in range, then it is read', () => {
    expect(wholeNumber('rounds', '6', 1, 100)).toBe(6);
    expect(wholeNumbers('connections', '100,500', 1, 10_000)).toEqual([100, 500]);
    expect(oneOf('case', 'compare', ['all', 'compare'])).toBe('compare');
  });

  it.each([
    ['0', /--rounds must be a whole number from 1 to 100, not '0'/],
    ['101', /from 1 to 100, not '101'/],
    ['2.5', /not '2.5'/],
    ['', /not ''/],
    [' ', /not ' '/],
    ['six', /not 'six'/],
    ['1e1', /not '1e1'/],
    ['0x10', /not '0x10'/],
    ['0b11', /not '0b11'/],
    ['+5', /not '\+5'/],
    [' 7', /not ' 7'/],
    ['-0', /not '-0'/],
  ])('When --rounds is %j, then it is refused, naming the flag and the range', (text, message) => {
    expect(() => wholeNumber('rounds', text, 1, 100)).toThrow(UsageError);
    expect(() => wholeNumber('rounds', text, 1, 100)).toThrow(message);
  });

  it('When a list holds a bad number, then the whole list is refused', () => {
    expect(() => wholeNumbers('connections', '100,abc', 1, 10_000)).toThrow(
      "--connections takes whole numbers from 1 to 10000, comma-separated, not '100,abc'",
    );
    expect(() => wholeNumbers('connections', '100,', 1, 10_000)).toThrow(UsageError);
  });

  it('When a choice is not offered, then it is refused, listing the offered ones', () => {
    expect(() => oneOf('case', 'every', ['all', 'compare'])).toThrow(
      "--case must be one of all, compare, not 'every'",
    );
  });
});
