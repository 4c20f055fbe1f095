import { Command, Context } from '../context';
import { time } from '../format';

const seg = encodeURIComponent;
const usersPath = (ctx: Context): string => `/v2/users/${seg(ctx.alias())}`;

export const listUsers: Command = async (ctx) => {
  const paged = await ctx.api().get(usersPath(ctx) + ctx.pageQuery());
  ctx.printList(paged, `No users in account ${ctx.alias()}.`, [
    ['USER', (u) => u.userName],
    ['ROLES', (u) => u.roles],
    ['CREATED', (u) => time(u.createdTime)],
  ]);
};

/** The password comes from stdin or a prompt and goes only into the request body. */
export const createUser: Command = async (ctx) => {
  const username = ctx.arg('USER');
  const password = await ctx.secret(`Password for the new user ${username}: `);
  const user = await ctx.api().post(usersPath(ctx), { username, password, roles: ctx.list('role') });
  ctx.print(user, () => [`Created user ${user.userName} in account ${user.accountAlias} (roles ${user.roles.join(', ')}).`]);
};

/** The user's open sessions get the new roles at once (the API tells every node). */
export const setUserRoles: Command = async (ctx) => {
  const username = ctx.arg('USER');
  const user = await ctx.api().put(`${usersPath(ctx)}/${seg(username)}`, { roles: ctx.list('role') });
  ctx.print(user, () => [`User ${user.userName} of account ${user.accountAlias} now has roles ${user.roles.join(', ')}.`]);
};

export const deleteUser: Command = async (ctx) => {
  const username = ctx.arg('USER');
  await ctx.api().delete(`${usersPath(ctx)}/${seg(username)}`, `"automation-runner users list" shows the users of account ${ctx.alias()}.`);
  ctx.print({ deleted: username }, () => [`Deleted user ${username}.`]);
};
