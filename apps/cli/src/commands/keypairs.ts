import * as fs from 'node:fs';
import { Command, Context } from '../context';
import { EXIT, usageError } from '../exit-codes';
import { table, time } from '../format';

const seg = encodeURIComponent;
const keypairsPath = (ctx: Context): string => `/v2/automation/keypairs/${seg(ctx.alias())}`;
const keypairHint = (ctx: Context): string => `"automation-runner keypairs list" shows the key pairs of account ${ctx.alias()}.`;

/** Polls an operation (key deployment) until it has succeeded or failed. */
async function waitForOperation(ctx: Context, statusPath: string): Promise<{ status: string; message?: string }> {
  for (;;) {
    const operation = await ctx.api().get(statusPath);
    if (operation.status === 'succeeded' || operation.status === 'failed') return operation;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

export const listKeypairs: Command = async (ctx) => {
  const keypairs = await ctx.api().get<any[]>(keypairsPath(ctx));
  ctx.print(keypairs, () =>
    keypairs.length === 0
      ? [`No key pairs in account ${ctx.alias()}.`]
      : table(['ALIAS', 'TYPE', 'FINGERPRINT', 'CREATED'], keypairs.map((k) => [k.alias, k.type ?? '-', k.fingerprint, time(k.createdTime)])),
  );
};

export const getKeypair: Command = async (ctx) => {
  const keypair = await ctx.api().get(`${keypairsPath(ctx)}/${seg(ctx.arg('ALIAS'))}`, keypairHint(ctx));
  ctx.print(keypair, () => [`alias        ${keypair.alias}`, `type         ${keypair.type}`, `fingerprint  ${keypair.fingerprint}`, `public key   ${keypair.publicKey.trim()}`]);
};

/**
 * The private key comes back once, in the creating answer. It is written only to --out (0600,
 * never over an existing file) and never printed, not even with --json: the service keeps a
 * sealed copy for jobs that name the key pair in keyPairAlias.
 */
export const createKeypair: Command = async (ctx) => {
  const alias = ctx.arg('ALIAS');
  const out = ctx.string('out');
  if (out && (fs.existsSync(out) || fs.existsSync(`${out}.pub`))) throw usageError(`${out} or ${out}.pub exists already; choose another --out.`);
  const type = ctx.string('type');
  if (type !== undefined && type !== 'ed25519' && type !== 'rsa') throw usageError('--type must be ed25519 or rsa');
  const body = { ...(type ? { type } : {}), ...(ctx.string('bits') ? { bits: Number(ctx.string('bits')) } : {}) };
  const { privateKey, ...keypair } = await ctx.api().post(`${keypairsPath(ctx)}/${seg(alias)}`, body);
  if (out && typeof privateKey === 'string') {
    fs.writeFileSync(out, privateKey.endsWith('\n') ? privateKey : `${privateKey}\n`, { mode: 0o600, flag: 'wx' });
    fs.writeFileSync(`${out}.pub`, `${String(keypair.publicKey).trim()}\n`, { mode: 0o644, flag: 'wx' });
  }
  ctx.print({ ...keypair, ...(out ? { privateKeyFile: out } : {}) }, () => [
    `Created key pair ${keypair.alias} (${keypair.type ?? 'ed25519'}) ${keypair.fingerprint}`,
    out
      ? `Private key saved in ${out} (mode 0600), public key in ${out}.pub.`
      : `The private key was not saved (use --out FILE to keep a copy); jobs can use it with keyPairAlias: ${keypair.alias}`,
    `public key: ${String(keypair.publicKey).trim()}`,
  ]);
};

export const deployKeypair: Command = async (ctx) => {
  const alias = ctx.arg('ALIAS');
  const server = ctx.arg('SERVER');
  const usernames = ctx.list('user');
  const operation = await ctx
    .api()
    .post(`${keypairsPath(ctx)}/${seg(alias)}/${seg(server)}`, { usernames }, `Check the key pair ("automation-runner keypairs list") and the server's name (registered with POST /v2/servers/${ctx.alias()}).`);
  const statusPath = operation.links?.find((l: { rel: string }) => l.rel === 'status')?.href;
  if (ctx.options['no-wait'] || !statusPath) {
    ctx.print(operation, () => [`Deploying key pair ${alias} to ${server} for ${usernames.join(', ')} (operation ${operation.id}: ${operation.status}).`]);
    return;
  }
  if (!ctx.machine) ctx.screen.setLive(`Deploying key pair ${alias} to ${server}…`);
  const final = await waitForOperation(ctx, statusPath);
  ctx.screen.setLive(null);
  ctx.print(final, () => [
    final.status === 'succeeded'
      ? `Key pair ${alias} installed on ${server} for ${usernames.join(', ')}.`
      : `Deployment of ${alias} to ${server} failed: ${final.message ?? 'no reason given'}`,
  ]);
  if (final.status !== 'succeeded') return EXIT.failure;
};

export const deleteKeypair: Command = async (ctx) => {
  const alias = ctx.arg('ALIAS');
  await ctx.api().delete(`${keypairsPath(ctx)}/${seg(alias)}`, keypairHint(ctx));
  ctx.print({ deleted: alias }, () => [`Deleted key pair ${alias}.`]);
};

