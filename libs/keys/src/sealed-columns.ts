import { SealContext, sealedIn } from './secret-box';

/**
 * Every column that holds a value sealed by the SecretBox: `key` finds its row, `boundTo` lists
 * the row's columns its SealContext binds it to, in order (the account always among them). The
 * re-key command walks this list; `sealed` below builds the same contexts for the code that seals.
 */
export const SEALED_COLUMNS = [
  { table: 'jobs', column: 'sealed_secrets', key: ['id'], boundTo: ['id', 'account_id'] },
  { table: 'executions', column: 'sealed_secrets', key: ['id'], boundTo: ['id', 'account_id'] },
  { table: 'accounts', column: 'sealed_webhook_secret', key: ['id'], boundTo: ['id'] },
  { table: 'accounts', column: 'sealed_notify_chat_url', key: ['id'], boundTo: ['id'] },
  { table: 'keypairs', column: 'sealed_private_key', key: ['account_id', 'alias'], boundTo: ['account_id', 'alias'] },
  { table: 'servers', column: 'sealed_password', key: ['account_id', 'name'], boundTo: ['account_id', 'name'] },
  { table: 'servers', column: 'sealed_host_vars', key: ['account_id', 'name'], boundTo: ['account_id', 'name'] },
  { table: 'service_accounts', column: 'sealed_password', key: ['account_id', 'alias'], boundTo: ['account_id', 'alias'] },
  { table: 'settings', column: 'value', key: ['name'], boundTo: ['name'], only: `name = 'encryption_key_check'` },
] as const satisfies readonly { table: string; column: string; key: readonly string[]; boundTo: readonly string[]; only?: string }[];

/** The SealContext of each kind of sealed value, in SEALED_COLUMNS' order of `boundTo`. */
export const sealed = {
  job: (job: { id: string; accountId: string }): SealContext => sealedIn('jobs', 'sealed_secrets', job.id, job.accountId),
  execution: (execution: { id: string; accountId: string }): SealContext => sealedIn('executions', 'sealed_secrets', execution.id, execution.accountId),
  webhookSecret: (accountId: string): SealContext => sealedIn('accounts', 'sealed_webhook_secret', accountId),
  accountChatUrl: (accountId: string): SealContext => sealedIn('accounts', 'sealed_notify_chat_url', accountId),
  keypair: (accountId: string, alias: string): SealContext => sealedIn('keypairs', 'sealed_private_key', accountId, alias),
  serverPassword: (accountId: string, name: string): SealContext => sealedIn('servers', 'sealed_password', accountId, name),
  serverHostVars: (accountId: string, name: string): SealContext => sealedIn('servers', 'sealed_host_vars', accountId, name),
  serviceAccount: (accountId: string, alias: string): SealContext => sealedIn('service_accounts', 'sealed_password', accountId, alias),
  keyCheck: (): SealContext => sealedIn('settings', 'value', 'encryption_key_check'),
};
