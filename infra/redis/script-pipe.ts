import { createHash } from 'node:crypto';
import { connect, type Socket } from 'node:net';
import { parseReply, type Reply } from './resp';

export type Script = { lua: string; sha: string };

export const script = (lua: string): Script => ({
  lua,
  sha: createHash('sha1').update(lua).digest('hex'),
});

export type ScriptPipeOptions = {
  /** CLIENT SETNAME, so an operator can tell this connection apart (`flashsale-reserve`). */
  name?: string;
  connectTimeoutMs?: number;
  /** Delay before reconnect attempt `n` (1, 2, ...). */
  retryDelayMs?: (attempt: number) => number;
  onError?: (error: Error) => void;
};

type Waiter = (reply: Reply) => void;

/** Runs on each new connection before any script call goes out; `call` sends one command. */
export type ConnectCheck = (call: (args: (string | number)[]) => Promise<Reply>) => Promise<void>;

/**
 * One Redis connection that only runs scripts, for the purchase path: every request's reserve
 * is one EVALSHA, and ioredis spends about 13 us of client CPU on each (its command objects,
 * auto-pipeline promises and reply machinery) where this spends about 4. Calls made in the same
 * turn of the event loop are written together; Redis answers them in order.
 *
 * It fails fast like the rest of the store's Redis use: a call while the connection is not up
 * rejects at once with a plain Error (the store reads that as "Redis did not answer"), calls in
 * flight when it drops are rejected too, and it reconnects in the background. Error replies
 * come back as ioredis's ReplyError, so the store tells them apart as it does for ioredis.
 */
export class ScriptPipe {
  private socket: Socket | undefined;
  private ready = false;
  private connected = false;
  private closed = false;
  private attempts = 0;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private waiting: Waiter[] = [];
  private head = 0;
  private outgoing: string[] = [];
  private flushScheduled = false;
  private pending: Buffer | undefined;
  private readonly checks: ConnectCheck[] = [];
  private readonly url: URL;
  private readonly options: Required<Omit<ScriptPipeOptions, 'onError'>>;

  constructor(
    url: string,
    private readonly hooks: ScriptPipeOptions = {},
  ) {
    this.url = new URL(url);
    if (this.url.protocol !== 'redis:') throw new Error('a script pipe speaks redis:// only');
    this.options = {
      name: hooks.name ?? 'flashsale-reserve',
      connectTimeoutMs: hooks.connectTimeoutMs ?? 3_000,
      retryDelayMs: hooks.retryDelayMs ?? ((attempt) => Math.min(attempt * 100, 2_000)),
    };
  }

  /** Whether `url` can be served by a pipe (plain TCP, no TLS). */
  static supports(url: string): boolean {
    return url.startsWith('redis://');
  }

  get isReady(): boolean {
    return this.ready;
  }

  /** Adds a check each connection runs after its handshake and before any script call. */
  beforeReady(check: ConnectCheck): void {
    this.checks.push(check);
  }

  /** Resolves once connected (and authenticated), or rejects after the first attempt fails. */
  connect(): Promise<void> {
    return new Promise((resolve, reject) => this.open(resolve, reject));
  }

  /** EVALSHA, and EVAL once when the server does not know the script (a restart, a flush). */
  async run(s: Script, keys: number, args: readonly (string | number)[]): Promise<Reply> {
    const reply = await this.send(['EVALSHA', s.sha, keys, ...args]);
    if (reply instanceof Error && reply.message.startsWith('NOSCRIPT')) {
      return this.settle(await this.send(['EVAL', s.lua, keys, ...args]));
    }
    return this.settle(reply);
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.reconnectTimer);
    this.socket?.destroy();
  }

  private settle(reply: Reply): Reply {
    if (reply instanceof Error) throw reply;
    return reply;
  }

  private send(args: readonly (string | number)[], handshake = false): Promise<Reply> {
    if (!(handshake ? this.connected : this.ready)) {
      return Promise.reject(new Error('Redis connection is not ready'));
    }
    this.outgoing.push(encode(args));
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      setImmediate(this.flush);
    }
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  private readonly flush = () => {
    this.flushScheduled = false;
    if (this.outgoing.length === 0) return;
    const data = this.outgoing.length === 1 ? this.outgoing[0]! : this.outgoing.join('');
    this.outgoing = [];
    this.socket?.write(data);
  };

  private open(onReady?: () => void, onFail?: (error: Error) => void) {
    const socket = connect(Number(this.url.port || 6379), this.url.hostname || '127.0.0.1');
    this.socket = socket;
    socket.setNoDelay(true);
    socket.setKeepAlive(true);
    const timer = setTimeout(
      () => socket.destroy(new Error('Redis connect timed out')),
      this.options.connectTimeoutMs,
    );
    let failure: Error | undefined;
    socket.once('connect', () => {
      clearTimeout(timer);
      this.connected = true;
      this.handshake().then(
        () => {
          this.ready = true;
          this.attempts = 0;
          onReady?.();
        },
        (error: Error) => socket.destroy(error),
      );
    });
    socket.on('data', (chunk: Buffer) => {
      try {
        this.receive(chunk);
      } catch (error) {
        // Bytes that are not RESP: nothing after them can be matched to its call.
        socket.destroy(error as Error);
      }
    });
    socket.on('error', (error) => {
      failure = error;
      this.hooks.onError?.(error);
    });
    socket.once('close', () => {
      clearTimeout(timer);
      this.ready = this.connected = false;
      this.pending = undefined;
      this.outgoing = [];
      const lost = this.waiting.slice(this.head);
      this.waiting = [];
      this.head = 0;
      const error = new Error(`Redis connection closed${failure ? `: ${failure.message}` : ''}`);
      for (const waiter of lost) waiter(error);
      onFail?.(error);
      onReady = onFail = undefined;
      if (!this.closed) {
        this.attempts += 1;
        this.reconnectTimer = setTimeout(
          () => this.open(),
          this.options.retryDelayMs(this.attempts),
        );
      }
    });
  }

  /** AUTH and SELECT from the URL and the name, answered before any script call goes out. */
  private async handshake() {
    const steps: (string | number)[][] = [];
    const user = decodeURIComponent(this.url.username);
    const password = decodeURIComponent(this.url.password);
    if (password) steps.push(user ? ['AUTH', user, password] : ['AUTH', password]);
    const db = Number(this.url.pathname.slice(1) || 0);
    if (db) steps.push(['SELECT', db]);
    steps.push(['CLIENT', 'SETNAME', this.options.name]);
    for (const step of steps) this.settle(await this.send(step, true));
    const call = async (args: (string | number)[]) => this.settle(await this.send(args, true));
    for (const check of this.checks) await check(call);
  }

  private receive(chunk: Buffer) {
    const data = this.pending ? Buffer.concat([this.pending, chunk]) : chunk;
    let at = 0;
    for (;;) {
      const parsed = parseReply(data, at);
      if (parsed === undefined) break;
      at = parsed.next;
      const waiter = this.waiting[this.head];
      this.waiting[this.head++] = undefined as never;
      waiter?.(parsed.value);
    }
    if (this.head === this.waiting.length) {
      this.waiting = [];
      this.head = 0;
    } else if (this.head > 1024) {
      this.waiting = this.waiting.slice(this.head);
      this.head = 0;
    }
    this.pending = at === data.length ? undefined : data.subarray(at);
  }
}

function encode(args: readonly (string | number)[]): string {
  let out = `*${args.length}\r\n`;
  for (const arg of args) {
    const value = typeof arg === 'string' ? arg : String(arg);
    out += `$${Buffer.byteLength(value)}\r\n${value}\r\n`;
  }
  return out;
}
