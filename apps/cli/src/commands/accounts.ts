import { Command } from '../context';
import { fields, tableOf, time } from '../format';

const seg = encodeURIComponent;
const accountPath = (alias: string): string => `/v2/accounts/${seg(alias)}`;
const subAccounts = (account: any): { alias: string; name: string }[] =>
  (account.links ?? []).filter((l: any) => l.rel === 'subAccount').map((l: any) => ({ alias: l.id, name: l.name }));

/** The direct sub-accounts, as the account resource links them. */
export const listAccounts: Command = async (ctx) => {
  const account = await ctx.api().get(accountPath(ctx.alias()));
  const children = subAccounts(account);
  ctx.print(children, () =>
    children.length === 0 ? [`Account ${account.alias} has no sub-accounts.`] : tableOf(children, [['ALIAS', (c) => c.alias], ['NAME', (c) => c.name]]),
  );
};

export const getAccount: Command = async (ctx) => {
  const account = await ctx.api().get(accountPath(ctx.args.ALIAS ?? ctx.alias()));
  ctx.print(account, () =>
    fields([
      ['alias', account.alias],
      ['name', account.name],
      ['parent', account.parentAlias],
      ['location', account.locationAlias],
      ['sub-accounts', subAccounts(account).map((c) => c.alias)],
      ['created', time(account.createdTime)],
    ]),
  );
};

export const createAccount: Command = async (ctx) => {
  const account = await ctx.api().post(accountPath(ctx.alias()), { alias: ctx.arg('ALIAS'), name: ctx.string('name') });
  ctx.print(account, () => [`Created account ${account.alias} (${account.name}) below ${account.parentAlias}.`, `Add a user: automation-runner users create USER --role AccountAdmin --account ${account.alias}`]);
};
