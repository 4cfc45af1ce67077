/**
 * The design a flash-sale architecture replaces: every attempt is one MySQL transaction,
 * `UPDATE skus SET stock = stock - 1 WHERE id = ? AND stock > 0` (for any quantity:
 * `stock - q ... AND stock >= q`) then `INSERT` of the order. A unique (user, SKU) index is its
 * one-per-user rule. Same JWT check as the real service, so the comparison is about the
 * inventory design only. Tables: bench/support/targets.ts.
 */
import { randomUUID } from 'node:crypto';
import express from 'express';
import mysql from 'mysql2/promise';
import { verifyJwt } from '../../api/http/jwt';

const secret = process.env.JWT_SECRET ?? '';
// 50: in the flat optimum (25-75) at 100 connections; 100 collapses on InnoDB's deadlock
// detection (docs/performance.md, "The naive design's pool").
const pool = mysql.createPool({
  uri: process.env.MYSQL_URL,
  connectionLimit: Number(process.env.POOL_SIZE ?? 50),
});

const app = express();
app.disable('x-powered-by');
app.set('etag', false);
app.post('/v1/orders', express.json(), async (req, res) => {
  let userId: string;
  try {
    userId = verifyJwt(
      String(req.headers.authorization).slice(7),
      secret,
      Date.now() / 1000,
    ).userId;
  } catch {
    res.status(401).json({ error: { code: 'UNAUTHENTICATED' } });
    return;
  }
  const line = req.body?.items?.[0];
  const conn = await pool.getConnection();
  try {
    await conn.beginTransaction();
    const [update] = await conn.query(
      'UPDATE skus SET stock = stock - ? WHERE id = ? AND stock >= ?',
      [line.quantity, line.skuId, line.quantity],
    );
    if ((update as { affectedRows: number }).affectedRows === 0) {
      await conn.rollback();
      res.status(409).json({ error: { code: 'SOLD_OUT' } });
      return;
    }
    const orderId = randomUUID();
    await conn.query('INSERT INTO orders (id, user_id, sku_id, quantity) VALUES (?, ?, ?, ?)', [
      orderId,
      userId,
      line.skuId,
      line.quantity,
    ]);
    await conn.commit();
    res.status(201).json({ orderId });
  } catch (error) {
    await conn.rollback().catch(() => undefined);
    if ((error as { code?: string }).code === 'ER_DUP_ENTRY') {
      res.status(409).json({ error: { code: 'LIMIT_EXCEEDED' } });
      return;
    }
    res.status(503).json({ error: { code: 'UNAVAILABLE' } });
  } finally {
    conn.release();
  }
});
const server = app.listen(Number(process.env.PORT ?? 4002), '127.0.0.1');
// A normal exit, so `node --cpu-prof` writes its profile.
process.once('SIGTERM', () => {
  server.closeAllConnections();
  server.close(() => void pool.end().finally(() => process.exit(0)));
});
