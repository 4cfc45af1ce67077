/**
 * Asks local services for a real answer, for infra/local/up.sh.
 *
 *   tsx infra/local/ready.ts <service>[:<seconds>[:<pid>]] ...
 *
 * service is mysql (SELECT 1, then CREATE DATABASE IF NOT EXISTS for the database in MYSQL_URL),
 * redis (PING) or kafka (admin listTopics, then describeGroups so that the group coordinator is
 * ready too). Without seconds it asks once; with them it retries
 * until the service answers or the time is up, and gives up early when the process <pid> is gone.
 * Prints one line per service, "<service> ok <epoch ms when it answered>" or
 * "<service> fail <reason>", and exits 1 if any failed. Addresses come from MYSQL_URL, REDIS_URL and KAFKA_BROKERS, as for the app.
 */
import { Kafka, logLevel } from 'kafkajs';
import Redis from 'ioredis';
import mysql from 'mysql2/promise';
import { DEFAULT_KAFKA_BROKERS, DEFAULT_MYSQL_URL, DEFAULT_REDIS_URL } from '../config/defaults';

const env = {
  mysqlUrl: process.env.MYSQL_URL ?? DEFAULT_MYSQL_URL,
  redisUrl: process.env.REDIS_URL ?? DEFAULT_REDIS_URL,
  kafkaBrokers: (process.env.KAFKA_BROKERS ?? DEFAULT_KAFKA_BROKERS)
    .split(',')
    .map((b) => b.trim()),
};

type Probe = () => Promise<void>;

const probes: Record<string, Probe> = {
  async mysql() {
    const url = new URL(env.mysqlUrl);
    const database = decodeURIComponent(url.pathname.replace(/^\//, ''));
    const conn = await mysql.createConnection({
      host: url.hostname,
      port: Number(url.port || 3306),
      user: decodeURIComponent(url.username || 'root'),
      password: decodeURIComponent(url.password),
      connectTimeout: 2_000,
    });
    try {
      await conn.query('SELECT 1');
      // docker-compose creates it with MYSQL_DATABASE; a local server needs it made here.
      if (database) await conn.query('CREATE DATABASE IF NOT EXISTS ??', [database]);
    } finally {
      await conn.end();
    }
  },

  async redis() {
    const client = new Redis(env.redisUrl, {
      lazyConnect: true,
      connectTimeout: 2_000,
      maxRetriesPerRequest: 0,
      enableOfflineQueue: false,
      retryStrategy: () => null,
    });
    client.on('error', () => undefined); // the rejected promise below carries the reason
    try {
      await client.connect();
      const pong = await client.ping();
      if (pong !== 'PONG') throw new Error(`PING answered ${pong}`);
      await client.quit();
    } finally {
      client.disconnect();
    }
  },

  async kafka() {
    const kafka = new Kafka({
      clientId: 'infra-ready',
      brokers: env.kafkaBrokers,
      logLevel: logLevel.NOTHING,
      connectionTimeout: 2_000,
      requestTimeout: 5_000,
      retry: { retries: 0 },
    });
    const admin = kafka.admin();
    try {
      await admin.connect();
      await admin.listTopics();
      // A fresh broker creates __consumer_offsets on the first FindCoordinator and answers
      // "coordinator not available / loading" until it has; consumers that join then crash and
      // restart. Asking here means a broker that is "up" also serves consumer groups.
      await admin.describeGroups(['infra-ready']);
    } finally {
      await admin.disconnect();
    }
  },
};

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function reason(err: unknown): string {
  const e = err as { message?: string; code?: string; errors?: unknown[] };
  const inner = Array.isArray(e.errors) && e.errors.length > 0 ? reason(e.errors[0]) : undefined;
  const text = e.message || e.code || inner || String(err);
  return text.replace(/\s+/g, ' ').trim();
}

async function check(spec: string): Promise<boolean> {
  const [name = '', seconds = '0', pid] = spec.split(':');
  const probe = probes[name];
  if (!probe) {
    console.log(`${name} fail unknown service (expected ${Object.keys(probes).join(', ')})`);
    return false;
  }
  const deadline = Date.now() + Number(seconds) * 1000;
  for (;;) {
    try {
      await withTimeout(probe(), 10_000);
      console.log(`${name} ok ${Date.now()}`);
      return true;
    } catch (err) {
      const gone = pid !== undefined && !alive(Number(pid));
      if (gone || Date.now() >= deadline) {
        console.log(`${name} fail ${gone ? `process ${pid} exited; ` : ''}${reason(err)}`);
        return false;
      }
      await sleep(500);
    }
  }
}

async function main(): Promise<void> {
  const results = await Promise.all(process.argv.slice(2).map(check));
  process.exitCode = results.every(Boolean) ? 0 : 1;
}

void main();
