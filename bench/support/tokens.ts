import { signJwt } from '../../api/http/jwt';

export const JWT_SECRET = 'bench-only-jwt-secret-0123456789';

const exp = () => Math.floor(Date.now() / 1000) + 86_400;

export const tokenFor = (userId: string, role: 'customer' | 'admin' = 'customer') =>
  signJwt({ sub: userId, role, exp: exp() }, JWT_SECRET);

/**
 * Bearer tokens of users never seen before: `<prefix>-0`, `<prefix>-1`... A batch is signed
 * ahead of each run (`prepare`) so the load generator, which shares the two cores with the
 * servers, does not sign while measuring; past the batch, tokens are signed on demand.
 */
export class FreshUsers {
  private batch: string[] = [];
  private at = 0;
  private nextId = 0;
  constructor(private readonly prefix: string) {}

  prepare(count: number) {
    this.batch = Array.from({ length: count }, () => tokenFor(`${this.prefix}-${this.nextId++}`));
    this.at = 0;
  }

  next(): string {
    if (this.at < this.batch.length) return this.batch[this.at++]!;
    return tokenFor(`${this.prefix}-${this.nextId++}`);
  }
}

/** The same few users over and over, round robin: buyers who press "buy" again and again. */
export class RepeatUsers {
  private readonly tokens: string[];
  private at = 0;
  constructor(prefix: string, count: number) {
    this.tokens = Array.from({ length: count }, (_, i) => tokenFor(`${prefix}-${i}`));
  }

  next(): string {
    const token = this.tokens[this.at]!;
    this.at = (this.at + 1) % this.tokens.length;
    return token;
  }
}
