/** The ceiling: an express 5 endpoint that answers at once, without reading the body. */
import express from 'express';

const app = express();
app.disable('x-powered-by');
app.set('etag', false);
app.post('/v1/orders', (_req, res) => {
  res.status(201).json({ ok: true });
});
const server = app.listen(Number(process.env.PORT ?? 4001), '127.0.0.1');
process.once('SIGTERM', () => {
  server.closeAllConnections();
  server.close(() => process.exit(0));
});
