import { existsSync, readFileSync } from 'node:fs';

/**
 * Connections the kernel dropped from a full accept queue and SYNs it sent again (machine-wide,
 * Linux /proc/net/netstat): a burst of new connections meeting a server short of CPU waits
 * 1 s, 3 s, 7 s... for its retransmitted SYN, which shows as seconds of latency in a run.
 */
export type TcpCounters = { listenOverflows: number; synRetransmits: number };

export function tcpCounters(): TcpCounters | undefined {
  if (!existsSync('/proc/net/netstat')) return undefined;
  const lines = readFileSync('/proc/net/netstat', 'utf8').split('\n');
  const header = lines.find((l) => l.startsWith('TcpExt:'));
  const values = lines.filter((l) => l.startsWith('TcpExt:'))[1];
  if (!header || !values) return undefined;
  const names = header.split(/\s+/);
  const numbers = values.split(/\s+/).map(Number);
  const get = (name: string) => numbers[names.indexOf(name)] ?? 0;
  return { listenOverflows: get('ListenOverflows'), synRetransmits: get('TCPSynRetrans') };
}

export function tcpDelta(before?: TcpCounters, after?: TcpCounters): TcpCounters | undefined {
  if (!before || !after) return undefined;
  return {
    listenOverflows: after.listenOverflows - before.listenOverflows,
    synRetransmits: after.synRetransmits - before.synRetransmits,
  };
}
