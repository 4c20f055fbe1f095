import { SecretBox } from './secret-box';
import { sealed } from './sealed-columns';

/** Where the account's sealed signing secret is kept (WebhookRepository). */
export interface SigningSecretStore {
  /** The sealed secret, created with `seal` on first use (first writer wins). */
  sealedSecret(accountId: string, seal: (secret: string) => string): Promise<string>;
}

/** The account's webhook signing secret in clear: for the api to show it and the worker to sign with it. */
export async function webhookSigningSecret(store: SigningSecretStore, box: SecretBox, accountId: string): Promise<string> {
  const context = sealed.webhookSecret(accountId);
  return box.open(await store.sealedSecret(accountId, (secret) => box.seal(secret, context)), context);
}
