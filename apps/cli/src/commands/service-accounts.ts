import { Command, Context } from '../context';
import { fields, time } from '../format';

const seg = encodeURIComponent;
const serviceAccountsPath = (ctx: Context): string => `/v2/automation/serviceAccounts/${seg(ctx.alias())}`;
const serviceAccountHint = (ctx: Context): string => `"automation-runner service-accounts list" shows the service accounts of ${ctx.alias()}.`;

export const listServiceAccounts: Command = async (ctx) => {
  const answer = await ctx.api().get(serviceAccountsPath(ctx));
  ctx.printList(answer, `No service accounts in account ${ctx.alias()}.`, [
    ['ALIAS', (s) => s.alias],
    ['USER', (s) => s.username],
    ['CREATED', (s) => time(s.createdTime)],
  ]);
};

export const getServiceAccount: Command = async (ctx) => {
  const sa = await ctx.api().get(`${serviceAccountsPath(ctx)}/${seg(ctx.arg('ALIAS'))}`, serviceAccountHint(ctx));
  ctx.print(sa, () => fields([['alias', sa.alias], ['user', sa.username], ['created', time(sa.createdTime)]]));
};

/** The password comes from stdin or a prompt and goes only into the request body. */
export const createServiceAccount: Command = async (ctx) => {
  const alias = ctx.arg('ALIAS');
  const username = ctx.string('username')!;
  const password = await ctx.secret(`Password of ${username} for service account ${alias}: `);
  const sa = await ctx.api().post(serviceAccountsPath(ctx), { alias, username, password });
  ctx.print(sa, () => [`Created service account ${sa.alias}: scheduled runs act as ${sa.username}.`]);
};

export const deleteServiceAccount: Command = async (ctx) => {
  const alias = ctx.arg('ALIAS');
  await ctx.api().delete(`${serviceAccountsPath(ctx)}/${seg(alias)}`, serviceAccountHint(ctx));
  ctx.print({ deleted: alias }, () => [`Deleted service account ${alias}.`]);
};
