import { DataSource } from 'typeorm';

/** Every column that holds a value sealed by the SecretBox: the one list the re-key command walks. */
export const SEALED_COLUMNS: { table: string; column: string; key: string[] }[] = [
  { table: 'jobs', column: 'sealed_secrets', key: ['id'] },
  { table: 'executions', column: 'sealed_secrets', key: ['id'] },
  { table: 'accounts', column: 'sealed_webhook_secret', key: ['id'] },
  { table: 'keypairs', column: 'sealed_private_key', key: ['account_id', 'alias'] },
  { table: 'servers', column: 'sealed_password', key: ['account_id', 'name'] },
  { table: 'settings', column: 'value', key: ['name'] },
];

/**
 * Re-seals every secret with `reseal` (open with the old key, seal with the new) in one
 * transaction: either all secrets move to the new key or none does. Returns how many were changed.
 */
export async function resealAll(dataSource: DataSource, reseal: (sealed: string) => string): Promise<number> {
  return dataSource.transaction(async (em) => {
    let count = 0;
    for (const { table, column, key } of SEALED_COLUMNS) {
      const filter = table === 'settings' ? ` AND name = 'encryption_key_check'` : '';
      const rows: Record<string, string>[] = await em.query(`SELECT ${key.join(', ')}, ${column} AS sealed FROM ${table} WHERE ${column} IS NOT NULL${filter} FOR UPDATE`);
      for (const row of rows) {
        const where = key.map((k, i) => `${k} = $${i + 2}`).join(' AND ');
        await em.query(`UPDATE ${table} SET ${column} = $1 WHERE ${where}`, [reseal(row.sealed), ...key.map((k) => row[k])]);
        count++;
      }
    }
    return count;
  });
}
