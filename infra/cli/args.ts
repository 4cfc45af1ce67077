import { parseArgs, type ParseArgsConfig } from 'node:util';

/**
 * The command lines of the project's programs (demo, benches, replay, migrate, audit): a flag
 * the user got wrong ends the program with one line naming it and the usage, exit code 2, never
 * a stack trace; `--help` (or `-h`) prints the usage and does nothing else.
 */

type ParseArgsOptionsConfig = NonNullable<ParseArgsConfig['options']>;

/** A command line the user got wrong: its message is printed above the usage. */
export class UsageError extends Error {
  override name = 'UsageError';
}

type Flags<O extends ParseArgsOptionsConfig> = ReturnType<
  typeof parseArgs<{ args: string[]; options: O; strict: true; allowPositionals: false }>
>['values'];

/**
 * The flags of `argv` as node's parseArgs reads them, strictly: an unknown flag, a flag without
 * its value, a flag given twice (unless it takes several) or a stray argument is a UsageError.
 */
export function parseFlags<const O extends ParseArgsOptionsConfig>(
  argv: string[],
  options: O,
): Flags<O> {
  try {
    const parsed = parseArgs({
      args: argv,
      options,
      strict: true,
      allowPositionals: false,
      tokens: true,
    });
    const seen = new Set<string>();
    for (const token of parsed.tokens) {
      if (token.kind !== 'option' || options[token.name]?.multiple) continue;
      // Else the last one would win without a word: `--buyers 10 --buyers 20` runs with 20.
      if (seen.has(token.name)) throw new UsageError(`--${token.name} is given more than once`);
      seen.add(token.name);
    }
    return parsed.values as Flags<O>;
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS')) {
      throw new UsageError((error as Error).message);
    }
    throw error;
  }
}

/** Whether `argv` asks for the usage. */
export function asksForHelp(argv: readonly string[]): boolean {
  return argv.includes('--help') || argv.includes('-h');
}

/**
 * `text` given for `--flag` as a whole number from `min` to `max`, in decimal digits only (not
 * `1e3`, `0x10`, `+5` or ` 7`, which Number() reads), else a UsageError.
 */
export function wholeNumber(flag: string, text: string, min: number, max: number): number {
  const n = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(n) || n < min || n > max) {
    throw new UsageError(`--${flag} must be a whole number from ${min} to ${max}, not '${text}'`);
  }
  return n;
}

/** A comma-separated list of whole numbers, each from `min` to `max`. */
export function wholeNumbers(flag: string, text: string, min: number, max: number): number[] {
  return text.split(',').map((part) => {
    try {
      return wholeNumber(flag, part, min, max);
    } catch {
      throw new UsageError(
        `--${flag} takes whole numbers from ${min} to ${max}, comma-separated, not '${text}'`,
      );
    }
  });
}

/** `text` given for `--flag` if it is one of `choices`, else a UsageError listing them. */
export function oneOf<const T extends string>(
  flag: string,
  text: string,
  choices: readonly T[],
): T {
  if (!(choices as readonly string[]).includes(text)) {
    throw new UsageError(`--${flag} must be one of ${choices.join(', ')}, not '${text}'`);
  }
  return text as T;
}

/**
 * Reads the program's command line with `read`. On `--help` prints `usage` and exits 0; on a
 * UsageError prints its message and `usage` on stderr and exits 2. Other errors are thrown on.
 */
export function commandLine<R>(
  usage: string,
  read: (argv: string[]) => R,
  argv: string[] = process.argv.slice(2),
): R {
  endQuietlyWhenOutputCloses();
  if (asksForHelp(argv)) {
    process.stdout.write(`${usage}\n`);
    process.exit(0);
  }
  try {
    return read(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`${error.message}\n\n${usage}\n`);
    process.exit(2);
  }
}

const stops: (() => Promise<unknown>)[] = [];
let exiting: Promise<never> | undefined;

/**
 * What the program must do before it exits, however it ends (a signal, its reader going away,
 * a failure): stop the servers it started, remove what it made. Run once, by exitAfterStopping.
 */
export function stopBeforeExit(stop: () => Promise<unknown>): void {
  stops.push(stop);
}

/** Runs every stop registered, then exits with `code`: the first call's code is the one. */
export function exitAfterStopping(code: number): Promise<never> {
  exiting ??= Promise.allSettled(stops.map((stop) => stop())).then(() => process.exit(code));
  return exiting;
}

/** Whether the program is on its way out (exitAfterStopping was called). */
export const isStopping = (): boolean => exiting !== undefined;

const SIGNAL_EXITS = { SIGHUP: 129, SIGINT: 130, SIGTERM: 143 } as const;

/**
 * Ctrl-C (which reaches every process of the terminal's group, some twice), SIGTERM and a closed
 * terminal (SIGHUP) end the program after its stops, with 130 / 143 / 129; `said` tells the user
 * once.
 */
export function stopOnSignals(said: (signal: NodeJS.Signals) => void): void {
  for (const [signal, code] of Object.entries(SIGNAL_EXITS)) {
    process.on(signal, () => {
      if (isStopping()) return;
      void exitAfterStopping(code);
      said(signal as NodeJS.Signals);
    });
  }
}

/**
 * `npm run audit -- sku X | head`: once the reader has what it wanted and closes the pipe, the
 * next write fails with EPIPE. That is the reader's choice, not the program's failure: end with
 * no stack trace, after the program's stops (a demo's service processes, a bench's servers).
 * Later writes fail too (the stream is destroyed), and are ignored.
 */
function endQuietlyWhenOutputCloses() {
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    // Once stopping (a closed terminal fails writes with EIO too), no write matters any more.
    if (error.code === 'EPIPE' || error.code === 'ERR_STREAM_DESTROYED' || isStopping()) {
      void exitAfterStopping(0);
      return;
    }
    throw error;
  });
}
