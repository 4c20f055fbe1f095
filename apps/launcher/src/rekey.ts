import * as fs from 'node:fs';
import * as path from 'node:path';
import { exitOnBootFailure, loadConfig } from '@app/config';
import { DataSource } from 'typeorm';
import { createDataSource, EmbeddedPostgresHandle, startEmbeddedPostgres } from '@app/database';
import { KEY_FILE_NAME, loadEncryptionKey, SEALED_COLUMNS, SealContext, SecretBox, sealedIn } from '@app/keys';

/**
 * `npm run rekey`: re-encrypts every stored secret under a new key. Stop every api and worker
 * first. The current key comes from the usual place (RUNNER_ENCRYPTION_KEY or the key file); the
 * new one from RUNNER_NEW_ENCRYPTION_KEY (32 bytes, base64 or hex). With a key file and no new key
 * given, one is generated and the file is replaced once the database has committed. Values sealed
 * before they were bound to their rows (v1) are bound now (SecretBox).
 */
async function main(): Promise<void> {
  const config = loadConfig();
  const given = process.env.RUNNER_NEW_ENCRYPTION_KEY;
  // A key from the environment is the operator's to choose: we never print one.
  if (config.encryptionKey && !given) throw new Error('set RUNNER_NEW_ENCRYPTION_KEY to the new key (32 bytes, base64 or hex)');
  const next = given ? loadConfig({ RUNNER_ENCRYPTION_KEY: given }).encryptionKey! : (await import('node:crypto')).randomBytes(32);
  const oldBox = new SecretBox(loadEncryptionKey(config, false));
  const newBox = new SecretBox(next);
  let embedded: EmbeddedPostgresHandle | undefined;
  let url = config.databaseUrl;
  if (!url) {
    embedded = await startEmbeddedPostgres({ dataDir: config.dataDir, port: config.embeddedPgPort, database: 'runner' });
    url = embedded.url;
  }
  const dataSource = await createDataSource(url, 2).initialize();
  try {
    const count = await resealAll(dataSource, (sealed, context) => newBox.seal(oldBox.open(sealed, context), context));
    if (config.encryptionKey) {
      process.stdout.write(`Re-encrypted ${count} secrets. Set RUNNER_ENCRYPTION_KEY to the new key on every node before starting them.\n`);
    } else {
      const file = path.join(config.dataDir, KEY_FILE_NAME);
      fs.writeFileSync(`${file}.new`, next.toString('base64') + '\n', { mode: 0o600 });
      fs.renameSync(`${file}.new`, file);
      process.stdout.write(`Re-encrypted ${count} secrets; ${file} now holds the new key.\n`);
    }
  } finally {
    await dataSource.destroy();
    await embedded?.stop();
  }
}

/**
 * Re-seals every secret with `reseal` (open with the old key, seal with the new) in one
 * transaction: either all secrets move to the new key or none does. Returns how many were changed.
 */
async function resealAll(dataSource: DataSource, reseal: (sealed: string, context: SealContext) => string): Promise<number> {
  return dataSource.transaction(async (em) => {
    let count = 0;
    for (const entry of SEALED_COLUMNS) {
      const { table, column, key, boundTo } = entry;
      const only = 'only' in entry ? ` AND ${entry.only}` : '';
      const columns = [...new Set([...key, ...boundTo])].join(', ');
      const rows: Record<string, string>[] = await em.query(`SELECT ${columns}, ${column} AS sealed FROM ${table} WHERE ${column} IS NOT NULL${only} FOR UPDATE`);
      for (const row of rows) {
        const where = key.map((k, i) => `${k} = $${i + 2}`).join(' AND ');
        const context = sealedIn(table, column, ...boundTo.map((c) => String(row[c])));
        await em.query(`UPDATE ${table} SET ${column} = $1 WHERE ${where}`, [reseal(row.sealed, context), ...key.map((k) => row[k])]);
        count++;
      }
    }
    return count;
  });
}

main().catch(exitOnBootFailure('rekey'));
