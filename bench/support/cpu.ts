import { existsSync, readdirSync, readFileSync } from 'node:fs';

/** Cores used on average during a run, by who used them (Linux /proc; undefined elsewhere). */
export type CpuShare = {
  loadGenerator: number;
  /** The server under load (its process tree). */
  server: number;
  /** The bench's other servers, idle meanwhile. */
  otherServers: number;
  mysql: number;
  redis: number;
  /** Kernel time in interrupts (loopback networking among it), and time the hypervisor took. */
  interrupts: number;
  steal: number;
  /** Every other process: Kafka, other people's work on the same machine. */
  others: number;
};

type Ticks = {
  at: number;
  self: number;
  server: number;
  otherServers: number;
  mysql: number;
  redis: number;
  busy: number;
  interrupts: number;
  steal: number;
};

const TICKS_PER_SECOND = 100;

function processes() {
  const list: { pid: number; ppid: number; comm: string; ticks: number }[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const close = stat.lastIndexOf(')');
      const fields = stat.slice(close + 2).split(' ');
      list.push({
        pid: Number(entry),
        ppid: Number(fields[1]),
        comm: stat.slice(stat.indexOf('(') + 1, close),
        // utime + stime of the process (its exited children are not counted here).
        ticks: Number(fields[11]) + Number(fields[12]),
      });
    } catch {
      // the process ended while we looked
    }
  }
  return list;
}

/** `serverPid`: the process of the server under load, told apart from the bench's others. */
export function cpuTicks(serverPid?: number): Ticks | undefined {
  if (!existsSync('/proc/stat')) return undefined;
  const list = processes();
  const children = new Map<number, number[]>();
  for (const p of list) children.set(p.ppid, [...(children.get(p.ppid) ?? []), p.pid]);
  const treeOf = (root: number) => {
    const tree = new Set<number>([root]);
    const walk = (pid: number) =>
      (children.get(pid) ?? []).forEach((child) => (tree.add(child), walk(child)));
    walk(root);
    return tree;
  };
  const servers = treeOf(process.pid);
  const server = serverPid === undefined ? new Set<number>() : treeOf(serverPid);
  const t: Ticks = {
    at: performance.now(),
    self: 0,
    server: 0,
    otherServers: 0,
    mysql: 0,
    redis: 0,
    busy: 0,
    interrupts: 0,
    steal: 0,
  };
  for (const p of list) {
    if (p.pid === process.pid) t.self += p.ticks;
    else if (server.has(p.pid)) t.server += p.ticks;
    else if (servers.has(p.pid)) t.otherServers += p.ticks;
    else if (p.comm === 'mariadbd' || p.comm === 'mysqld') t.mysql += p.ticks;
    else if (p.comm === 'redis-server') t.redis += p.ticks;
  }
  const cpu = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1, 9);
  const all = cpu.map(Number);
  // user nice system idle iowait irq softirq steal
  t.busy = all.reduce((a, b) => a + b, 0) - all[3]! - all[4]!;
  t.interrupts = all[5]! + all[6]!;
  t.steal = all[7]!;
  return t;
}

export function cpuShare(
  before: Ticks | undefined,
  after: Ticks | undefined,
): CpuShare | undefined {
  if (!before || !after) return undefined;
  const seconds = (after.at - before.at) / 1000;
  const cores = (ticks: number) => Math.round((ticks / TICKS_PER_SECOND / seconds) * 100) / 100;
  const share = {
    loadGenerator: cores(after.self - before.self),
    server: cores(after.server - before.server),
    otherServers: cores(after.otherServers - before.otherServers),
    mysql: cores(after.mysql - before.mysql),
    redis: cores(after.redis - before.redis),
  };
  const interrupts = cores(after.interrupts - before.interrupts);
  const steal = cores(after.steal - before.steal);
  const busy = cores(after.busy - before.busy);
  const known =
    share.loadGenerator +
    share.server +
    share.otherServers +
    share.mysql +
    share.redis +
    interrupts +
    steal;
  return {
    ...share,
    interrupts,
    steal,
    others: Math.max(0, Math.round((busy - known) * 100) / 100),
  };
}
