/**
 * Runs once before all tests. Finds out whether an EventStoreDB server can be reached, so that
 * its contract suite runs where one exists and is reported as skipped, with the reason, where not.
 * The answer travels to the test workers through the environment they inherit.
 */
export default async function globalSetup(): Promise<void> {
  if (process.env.FLASHSALE_ESDB_URL || process.env.FLASHSALE_ESDB_SKIP_REASON) return;
  const { probeEsdb } = await import('./esdb');
  const probe = await probeEsdb();
  if (probe.url) process.env.FLASHSALE_ESDB_URL = probe.url;
  else process.env.FLASHSALE_ESDB_SKIP_REASON = probe.reason;
  if (probe.stop) (globalThis as { __esdbStop?: () => Promise<void> }).__esdbStop = probe.stop;
}
