/** npm run migrate: brings the MySQL schema of MYSQL_URL up to date, creating the database if needed. */
import { commandLine, parseFlags } from '../cli/args';
import { migrateDatabase, parseMysqlUrl } from '.';
import { DEFAULT_MYSQL_URL } from '../config/defaults';

commandLine(
  `npm run migrate: brings the schema of MYSQL_URL (default ${DEFAULT_MYSQL_URL}) up to date`,
  (argv) => parseFlags(argv, {}),
);

async function main() {
  let target;
  try {
    target = parseMysqlUrl(process.env.MYSQL_URL || DEFAULT_MYSQL_URL);
  } catch (error) {
    console.error(`MYSQL_URL is not usable: ${(error as Error).message}`);
    process.exit(1);
  }
  const applied = await migrateDatabase(target);
  console.log(
    applied.length === 0
      ? `schema of ${target.database} is up to date`
      : `applied to ${target.database}: ${applied.join(', ')}`,
  );
}

main().catch((error) => {
  console.error(`migration failed: ${(error as Error).message}`);
  process.exit(1);
});
