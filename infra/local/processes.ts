import { readdirSync, readFileSync } from 'node:fs';

/**
 * The processes of this user whose environment holds `name=value` exactly: how a run finds the
 * service processes it started, by a value no other run shares. Linux only (`/proc`); elsewhere
 * none are found.
 */
export function processesWithEnv(name: string, value: string): number[] {
  const found: number[] = [];
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return found;
  }
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const env = readFileSync(`/proc/${entry}/environ`, 'utf8').split('\0');
      if (env.includes(`${name}=${value}`)) found.push(Number(entry));
    } catch {
      // gone, or not ours to read
    }
  }
  return found;
}

/**
 * Whether process `pid` runs (an exited one not yet reaped does not), and, where `/proc` tells,
 * its command line holds `part`.
 */
export function processRuns(pid: number, part = ''): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    // ESRCH: gone; EPERM: another user's, so not the one looked for.
    return false;
  }
  try {
    // The state follows the command's name, which ends at the last ')': Z is a zombie, X dead.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const state = stat.charAt(stat.lastIndexOf(')') + 2);
    if (state === 'Z' || state === 'X') return false;
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').includes(part);
  } catch {
    return true;
  }
}
