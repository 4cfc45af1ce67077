import { holdNamedLock } from '../../infra/db/named-lock';
import { PROJECTION_NAMES } from '../../projections/all';
import { startTestSystem, type TestSystem } from '../support/system';
import { eventually } from '../support/wait';

describe('the projection admin API', () => {
  let t: TestSystem;

  beforeAll(async () => {
    t = await startTestSystem({}, { label: 'rebuild' });
    await t.listSku({ skuId: 'R1', stock: 3 });
  });
  afterAll(() => t.stop());

  const job = (jobId: string) =>
    eventually(
      async () =>
        (await t.http.get(`/v1/admin/projections/jobs/${jobId}`, { token: t.admin })).body,
      (body) => body?.status !== 'RUNNING',
    );

  it('When a rebuild is posted with no body at all, then it is taken as {} and rebuilds every projection', async () => {
    const started = await t.http.post('/v1/admin/projections/rebuild', undefined, {
      token: t.admin,
    });
    expect(started.status).toBe(202);
    expect(started.body.jobId).toEqual(expect.any(String));
    expect(started.headers.get('location')).toBe(
      `/v1/admin/projections/jobs/${started.body.jobId}`,
    );
    expect(await job(started.body.jobId)).toMatchObject({
      status: 'SUCCEEDED',
      projections: [...PROJECTION_NAMES],
    });
  });

  it('When two rebuilds are posted at once, then both are answered with the one job, which succeeds', async () => {
    const [a, b] = await Promise.all(
      [0, 1].map(() => t.http.post('/v1/admin/projections/rebuild', {}, { token: t.admin })),
    );
    expect([a!.status, b!.status]).toEqual([202, 202]);
    expect(b!.body.jobId).toBe(a!.body.jobId);
    expect(await job(a!.body.jobId)).toMatchObject({ status: 'SUCCEEDED' });
  });

  it.each([
    ['malformed JSON', '{"projections": ['],
    ['a JSON array', '[]'],
    ['blanks only', ' '],
  ])('When a rebuild is posted with %s, then 400 VALIDATION_FAILED', async (_, raw) => {
    const res = await t.http.post('/v1/admin/projections/rebuild', undefined, {
      token: t.admin,
      raw,
    });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('VALIDATION_FAILED');
  });

  it('When the replay command line holds the database, then a rebuild is refused with 409 REBUILD_RUNNING', async () => {
    const db = t.database.connect();
    const commandLine = await holdNamedLock(db, `${t.database.target.database}.rebuild`);
    try {
      const refused = await t.http.post(
        '/v1/admin/projections/rebuild',
        { projections: ['orders'] },
        { token: t.admin },
      );
      expect(refused.status).toBe(409);
      expect(refused.body.error).toMatchObject({ code: 'REBUILD_RUNNING' });
      expect(refused.headers.get('x-request-id')).toBeTruthy();
    } finally {
      await commandLine!.release();
      await db.destroy();
    }
  });
});
