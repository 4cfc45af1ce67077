/** No imports: config checks MYSQL_URL with it at start-up without loading knex. */
export type MysqlTarget = {
  host: string;
  port: number;
  user: string;
  password: string;
  database: string;
};

export function parseMysqlUrl(url: string): MysqlTarget {
  const u = new URL(url);
  if (u.protocol !== 'mysql:') throw new Error(`expected a mysql:// URL, got ${u.protocol}`);
  const database = decodeURIComponent(u.pathname.replace(/^\//, ''));
  if (!/^[A-Za-z0-9_]{1,64}$/.test(database)) {
    throw new Error('the database name must be 1-64 characters of [A-Za-z0-9_]');
  }
  return {
    host: u.hostname,
    port: u.port ? Number(u.port) : 3306,
    user: decodeURIComponent(u.username) || 'root',
    password: decodeURIComponent(u.password),
    database,
  };
}
