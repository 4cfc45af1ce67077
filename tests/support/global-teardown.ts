export default async function globalTeardown(): Promise<void> {
  await (globalThis as { __esdbStop?: () => Promise<void> }).__esdbStop?.();
}
