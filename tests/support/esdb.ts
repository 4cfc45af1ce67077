import { EventStoreDBClient } from '@eventstore/db-client';

type Probe = { url?: string; reason: string; stop?: () => Promise<void> };

async function answers(url: string): Promise<boolean> {
  const client = EventStoreDBClient.connectionString(url);
  try {
    for await (const _ of client.readAll({ maxCount: 1, deadline: 3_000 })) break;
    return true;
  } catch {
    return false;
  } finally {
    await client.dispose().catch(() => undefined);
  }
}

/**
 * EVENTSTORE_CONNECTION_STRING first; else a server started with Testcontainers when a Docker
 * engine answers; else a reason to skip.
 */
export async function probeEsdb(): Promise<Probe> {
  const given = process.env.EVENTSTORE_CONNECTION_STRING;
  if (given) {
    return (await answers(given))
      ? { url: given, reason: '' }
      : { reason: `no EventStoreDB answered at EVENTSTORE_CONNECTION_STRING=${given}` };
  }
  let GenericContainer: typeof import('testcontainers').GenericContainer;
  let Wait: typeof import('testcontainers').Wait;
  try {
    const testcontainers = await import('testcontainers');
    await testcontainers.getContainerRuntimeClient();
    ({ GenericContainer, Wait } = testcontainers);
  } catch {
    return {
      reason:
        'no EventStoreDB server is reachable: EVENTSTORE_CONNECTION_STRING is not set and no Docker engine answers for Testcontainers',
    };
  }
  const container = await new GenericContainer('eventstore/eventstore:24.10')
    .withEnvironment({ EVENTSTORE_INSECURE: 'true', EVENTSTORE_RUN_PROJECTIONS: 'None' })
    .withExposedPorts(2113)
    .withWaitStrategy(Wait.forHttp('/health/live', 2113).forStatusCode(204))
    .start();
  const url = `esdb://${container.getHost()}:${container.getMappedPort(2113)}?tls=false`;
  return { url, reason: '', stop: async () => void (await container.stop()) };
}
