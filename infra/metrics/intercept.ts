/**
 * The same object with one method replaced. A Proxy rather than a copy, so class instances keep
 * their own `this` (and private fields) for every method that is not replaced.
 */
export function intercept<T extends object, K extends keyof T>(
  target: T,
  method: K,
  replacement: T[K],
): T {
  const bound = new Map<PropertyKey, unknown>();
  return new Proxy(target, {
    get(object, property) {
      if (property === method) return replacement;
      const value: unknown = Reflect.get(object, property, object);
      if (typeof value !== 'function') return value;
      // Bound once per method, not at every call: these calls sit on the purchase path.
      let fn = bound.get(property);
      if (fn === undefined) {
        fn = (value as (...args: unknown[]) => unknown).bind(object);
        bound.set(property, fn);
      }
      return fn;
    },
  });
}
