import * as fs from 'node:fs';
import * as path from 'node:path';
import { exitOnBootFailure, loadConfig } from '@app/config';
import { createDataSource, EmbeddedPostgresHandle, resealAll, startEmbeddedPostgres } from '@app/database';
import { KEY_FILE_NAME, loadEncryptionKey, SecretBox } from '@app/keys';

/**
 * `npm run rekey`: re-encrypts every stored secret under a new key. Stop every api and worker
 * first. The current key comes from the usual place (RUNNER_ENCRYPTION_KEY or the key file); the
 * new one from RUNNER_NEW_ENCRYPTION_KEY (32 bytes, base64 or hex). With a key file and no new key
 * given, one is generated and the file is replaced once the database has committed.
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
    const count = await resealAll(dataSource, (sealed) => newBox.seal(oldBox.open(sealed)));
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

main().catch(exitOnBootFailure('rekey'));
