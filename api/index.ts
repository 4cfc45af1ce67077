export * from './app';
export type { ReadinessCheck } from './http/health';
export type { Commands } from './routes/commands';
export type { RateLimiter, RateLimits } from './http/rate-limit';
export { signJwt } from './http/jwt';
export { signWebhook } from './http/webhook-signature';
export type { OrderView, OrderViews } from './queries/order-views';
export type { ProjectionAdmin } from './routes/projections-admin';
export { makeDashboard, type Dashboard, type DashboardSummary } from './queries/dashboard';
