/**
 * Runs once before all tests. Finds out whether an EventStoreDB server can be reached, so that
 * its contract suite runs where one exists and is reported as skipped, with the reason, where not.
 * The answer travels to the test workers through the environment they inherit. The reason for
 * skipping is printed here, where the run's output always shows it: jest drops the console
 * output of a file whose tests were all skipped.
 */
export default async function globalSetup(): Promise<void> {
  if (!process.env.FLASHSALE_ESDB_URL && !process.env.FLASHSALE_ESDB_SKIP_REASON) {
    const { probeEsdb } = await import('./esdb');
    const probe = await probeEsdb();
    if (probe.url) process.env.FLASHSALE_ESDB_URL = probe.url;
    else process.env.FLASHSALE_ESDB_SKIP_REASON = probe.reason;
    if (probe.stop) (globalThis as { __esdbStop?: () => Promise<void> }).__esdbStop = probe.stop;
  }
  if (!process.env.FLASHSALE_ESDB_URL) {
    const reason = process.env.FLASHSALE_ESDB_SKIP_REASON;
    process.stderr.write(`\nEventStoreDB contract suite skipped: ${reason}\n`);
  }
}
