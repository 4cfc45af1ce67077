import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { inParallel } from '../support/http';
import { testTopicPrefix } from '../support/kafka';
import { caughtUp, readModels } from '../support/read-models';
import { startTestSystem, type TestSystem } from '../support/system';

/**
 * The whole read side with real Kafka: the api, the relay and the projectors in one process,
 * under a concurrent workload of purchases, payments, failed payments and cancels.
 */
describe('the read side', () => {
  let t: TestSystem;
  const topics = testTopicPrefix('pipe');
  const orders: { orderId: string; user: string }[] = [];

  beforeAll(async () => {
    t = await startTestSystem(
      { ROLES: 'api,relay,projector', KAFKA_TOPIC_PREFIX: topics.prefix },
      { label: 'pipe' },
    );
    await t.listSku({ skuId: 'P1', stock: 120, perUserLimit: 3 });
    await t.listSku({ skuId: 'P2', stock: 40 });
  });
  afterAll(async () => {
    await t.stop();
    await topics.drop();
  });

  async function workload(users: number, label: string) {
    const placed = await inParallel(
      25,
      Array.from({ length: users }, (_, i) => async () => {
        const user = `${label}-${i}`;
        const items =
          i % 3 === 0
            ? [
                { skuId: 'P1', quantity: 1 },
                { skuId: 'P2', quantity: 1 },
              ]
            : [{ skuId: 'P1', quantity: 1 + (i % 2) }];
        const res = await t.http.post('/v1/orders', { items }, { token: t.customer(user) });
        return res.status === 201 ? { orderId: res.body.orderId as string, user, i } : null;
      }),
    );
    const ok = placed.filter((p) => p !== null);
    await inParallel(
      25,
      ok.map(({ orderId, user, i }) => async () => {
        const token = t.customer(user);
        if (i % 4 === 3) {
          await t.http.post(`/v1/orders/${orderId}/cancel`, undefined, { token });
          return;
        }
        const pay = await t.http.post(`/v1/orders/${orderId}/payments`, undefined, { token });
        if (i % 4 === 2) return; // left PENDING
        const order = await t.http.get(`/v1/orders/${orderId}?minRevision=1`, { token });
        if (i % 5 === 0) {
          await t.callback({
            paymentId: pay.body.paymentId,
            orderId,
            transactionId: `fail-${orderId}`,
            status: 'FAILED',
            amount: order.body.total,
            currency: 'EUR',
            reason: 'card declined',
          });
        }
        await t.callback({
          paymentId: pay.body.paymentId,
          orderId,
          transactionId: `tx-${orderId}`,
          status: 'SUCCEEDED',
          amount: order.body.total,
          currency: 'EUR',
        });
      }),
    );
    orders.push(...ok.map(({ orderId, user }) => ({ orderId, user })));
    return ok.length;
  }

  it('When purchases, payments and cancels run concurrently, then every read model equals a fresh replay of the event store, row for row', async () => {
    expect(await workload(120, 'w1')).toBeGreaterThan(50);
    await caughtUp(t.database.db, topics.prefix);
    const live = await readModels(t.database.db);
    expect(live.orders.length).toBe(orders.length);
    expect(new Set(live.orders.map((o) => o.status))).toEqual(
      new Set(['PENDING', 'CONFIRMED', 'CANCELLED']),
    );
    expect(live.payments.some((p) => p.status === 'COMPLETED' && p.transaction_id)).toBe(true);
    expect(live.payments.some((p) => p.status === 'PENDING')).toBe(true);

    const started = await t.http.post('/v1/admin/projections/rebuild', {}, { token: t.admin });
    expect(started.status).toBe(202);
    const job = await waitForJob(started.body.jobId);
    expect(job).toMatchObject({ status: 'SUCCEEDED' });
    expect(job.processed).toBe(job.total);
    expect(await readModels(t.database.db)).toEqual(live);
  });

  it('When an order is read with minRevision after a payment, then the answer has caught up', async () => {
    const { orderId, user } = orders[1]!;
    const events = await t.events((e) => e.streamId === `order-${orderId}`);
    const res = await t.http.get(`/v1/orders/${orderId}?minRevision=${events.length - 1}`, {
      token: t.customer(user),
    });
    expect(res.status).toBe(200);
    expect(res.body.revision).toBe(events.length - 1);
    expect(res.body.stale).toBeUndefined();
  });

  it('When a rebuild runs during live traffic, then queries answer throughout and the result equals the live models', async () => {
    let stop = false;
    let reads = 0;
    const failures: number[] = [];
    const reader = (async () => {
      const { orderId, user } = orders[0]!;
      while (!stop) {
        const res = await t.http.get(`/v1/orders/${orderId}`, { token: t.customer(user) });
        if (res.status !== 200) failures.push(res.status);
        reads += 1;
      }
    })();
    const traffic = workload(60, 'w2');
    const started = await t.http.post(
      '/v1/admin/projections/rebuild',
      { projections: ['orders', 'payments', 'order_items', 'inventory_audit'] },
      { token: t.admin },
    );
    await traffic;
    const job = await waitForJob(started.body.jobId);
    stop = true;
    await reader;
    expect(job.status).toBe('SUCCEEDED');
    expect(failures).toEqual([]);
    expect(reads).toBeGreaterThan(10);

    await caughtUp(t.database.db, topics.prefix);
    const live = await readModels(t.database.db);
    const again = await t.http.post('/v1/admin/projections/rebuild', {}, { token: t.admin });
    expect((await waitForJob(again.body.jobId)).status).toBe('SUCCEEDED');
    expect(await readModels(t.database.db)).toEqual(live);

    const statuses = await t.http.get('/v1/admin/projections', { token: t.admin });
    expect(statuses.status).toBe(200);
    expect(statuses.body.map((s: { name: string }) => s.name).sort()).toEqual([
      'inventory_audit',
      'order_items',
      'orders',
      'payments',
    ]);
    for (const s of statuses.body) expect(s).toMatchObject({ lagMs: 0, status: 'LIVE' });
  });

  it('When the sale is quiet, then each SKU audit is consistent; when a hot counter is changed by hand, then the audit names the difference', async () => {
    await caughtUp(t.database.db, topics.prefix);
    for (const skuId of ['P1', 'P2']) {
      const res = await t.http.get(`/v1/admin/skus/${skuId}/audit`, { token: t.admin });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ skuId, consistent: true, discrepancies: [] });
      const { totals, available, ledger } = res.body;
      expect(totals.stocked).toBe(skuId === 'P1' ? 120 : 40);
      expect(available).toBe(totals.stocked - totals.reserved + totals.released);
      expect(ledger[0]).toMatchObject({ reason: 'RESTOCK', delta: totals.stocked });
      expect(res.body.ledgerLines).toBe(ledger.length);
      // The last lines only, for a SKU whose ledger is long.
      const last = await t.http.get(`/v1/admin/skus/${skuId}/audit?lines=3`, { token: t.admin });
      expect(last.body.ledger).toEqual(ledger.slice(-3));
      expect(last.body).toMatchObject({ ledgerLines: ledger.length, totals, consistent: true });
      const none = await t.http.get(`/v1/admin/skus/${skuId}/audit?lines=0`, { token: t.admin });
      expect(none.body.ledger).toEqual([]);
    }
    for (const query of ['lines=-1', 'lines=x', 'lines=10000000', 'other=1']) {
      const bad = await t.http.get(`/v1/admin/skus/P1/audit?${query}`, { token: t.admin });
      expect({ query, status: bad.status, code: bad.body.error.code }).toEqual({
        query,
        status: 400,
        code: 'VALIDATION_FAILED',
      });
    }
    await t.redis.hincrby(`{${t.prefix}}:sku:P2`, 'available', 5);
    const planted = await t.http.get('/v1/admin/skus/P2/audit', { token: t.admin });
    expect(planted.body.consistent).toBe(false);
    expect(planted.body.discrepancies).toEqual([
      {
        check: 'available',
        source: 'redis',
        expected: planted.body.available - 5,
        actual: planted.body.available,
      },
    ]);
    const cli = await auditCli(['sku', 'P2']);
    expect(cli.status).toBe(1);
    expect(cli.stdout).toContain('SKU P2: NOT CONSISTENT');
    expect(cli.stdout).toMatch(/available\s+redis\s+\d+\s+\d+\s+5/);
    await t.redis.hincrby(`{${t.prefix}}:sku:P2`, 'available', -5);
    const healed = await auditCli(['sku', 'P2']);
    expect(healed.status).toBe(0);
    expect(healed.stdout).toContain('SKU P2: consistent');
    // A ledger line changed by hand: the audit names it, in the answer and in the terminal.
    const line = await t.database
      .db('inventory_audit')
      .where({ sku_id: 'P1', reason: 'RESERVE' })
      .orderBy('position')
      .first();
    await t.database
      .db('inventory_audit')
      .where({ id: line.id })
      .update({ delta: line.delta - 1 });
    const changed = await t.http.get('/v1/admin/skus/P1/audit?lines=0', { token: t.admin });
    expect(changed.body.consistent).toBe(false);
    expect(changed.body.lineDifferences).toEqual([
      {
        position: String(line.position),
        reason: 'RESERVE',
        refId: line.ref_id,
        expected: line.delta,
        actual: line.delta - 1,
      },
    ]);
    expect(changed.body.lineDifferencesTotal).toBe(1);
    const named = await auditCli(['sku', 'P1']);
    expect(named.status).toBe(1);
    expect(named.stdout).toMatch(
      new RegExp(
        `ledger lines that differ from the events through position \\d+:\\n.*\\n.*\\n` +
          `${line.position}\\s+RESERVE\\s+${line.ref_id}\\s+${line.delta}\\s+${line.delta - 1}\\n`,
      ),
    );
    await t.database.db('inventory_audit').where({ id: line.id }).update({ delta: line.delta });
    // Given to another order, the totals unchanged: the lines' checksum tells it, and both
    // lines are named.
    const other = '0190a6f0-0000-7000-8000-00000000abcd';
    await t.database.db('inventory_audit').where({ id: line.id }).update({ ref_id: other });
    const moved = await t.http.get('/v1/admin/skus/P1/audit?lines=0', { token: t.admin });
    expect(moved.body.discrepancies).toEqual([
      {
        check: 'line contents',
        source: 'ledger',
        expected: moved.body.ledgerLines,
        actual: moved.body.ledgerLines,
      },
    ]);
    expect(moved.body.lineDifferences).toEqual([
      {
        position: String(line.position),
        reason: 'RESERVE',
        refId: line.ref_id,
        expected: line.delta,
        actual: null,
      },
      {
        position: String(line.position),
        reason: 'RESERVE',
        refId: other,
        expected: null,
        actual: line.delta,
      },
    ]);
    await t.database.db('inventory_audit').where({ id: line.id }).update({ ref_id: line.ref_id });
    expect((await t.http.get('/v1/admin/skus/P1/audit', { token: t.admin })).body).toMatchObject({
      consistent: true,
    });
    const order = await auditCli(['order', orders[0]!.orderId]);
    expect(order.status).toBe(0);
    expect(order.stdout).toMatch(/0\s+\d+\s+OrderPlaced/);
    // Where the events leave the order, with each payment attempt's status.
    expect(order.stdout).toMatch(/\nnow (PENDING|CONFIRMED|EXPIRED|CANCELLED): \d+ x P[12]/);
    expect((await t.http.get('/v1/admin/skus/NOPE/audit', { token: t.admin })).status).toBe(404);
    // What does not exist is said the same way for an order and a SKU.
    const missing = '0190a6f0-0000-7000-8000-000000000000';
    expect(await auditCli(['order', missing])).toEqual({
      status: 1,
      stdout: '',
      stderr: `audit failed: no order ${missing}\n`,
    });
    expect(await auditCli(['sku', 'NOPE'])).toMatchObject({
      status: 1,
      stderr: 'audit failed: no SKU NOPE\n',
    });
  });

  it('When a rebuild names an unknown projection, or a job does not exist, then 400 and 404', async () => {
    const bad = await t.http.post(
      '/v1/admin/projections/rebuild',
      { projections: ['nope'] },
      { token: t.admin },
    );
    expect(bad.status).toBe(400);
    const missing = await t.http.get(
      '/v1/admin/projections/jobs/00000000-0000-4000-8000-000000000000',
      { token: t.admin },
    );
    expect(missing.status).toBe(404);
    const customer = await t.http.get('/v1/admin/projections', { token: t.customer('x') });
    expect(customer.status).toBe(403);
  });

  /**
   * Runs the audit CLI without blocking this process: the service under test lives in it, and a
   * blocked event loop lets keep-alive sockets time out under the client's feet.
   */
  function auditCli(
    args: string[],
  ): Promise<{ status: number | null; stdout: string; stderr: string }> {
    return new Promise((resolve) => {
      execFile(
        join(__dirname, '..', '..', 'node_modules', '.bin', 'tsx'),
        ['infra/cli/audit.ts', ...args],
        {
          cwd: join(__dirname, '..', '..'),
          env: { ...process.env, MYSQL_URL: t.database.url, REDIS_KEY_PREFIX: t.prefix },
          encoding: 'utf8',
        },
        (error, stdout, stderr) =>
          resolve({ status: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
      );
    });
  }

  async function waitForJob(jobId: string) {
    for (;;) {
      const res = await t.http.get(`/v1/admin/projections/jobs/${jobId}`, { token: t.admin });
      expect(res.status).toBe(200);
      if (res.body.status !== 'RUNNING') return res.body;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
});
