import { Command, Context } from '../context';
import { fields, time } from '../format';

const seg = encodeURIComponent;
const serversPath = (ctx: Context): string => `/v2/servers/${seg(ctx.alias())}`;
/** `10.0.0.5:22`, `[fd00::5]:22`. */
const address = (s: any): string => (String(s.ipAddress).includes(':') ? `[${s.ipAddress}]:${s.port}` : `${s.ipAddress}:${s.port}`);
const serverHint = (ctx: Context): string => `"automation-runner servers list" shows the servers of account ${ctx.alias()}.`;

export const listServers: Command = async (ctx) => {
  const paged = await ctx.api().get(serversPath(ctx) + ctx.pageQuery());
  ctx.printList(paged, `No servers in account ${ctx.alias()}.`, [
    ['NAME', (s) => s.name],
    ['ADDRESS', address],
    ['USER', (s) => s.username],
    ['GROUP', (s) => s.group],
    ['LOCATION', (s) => s.locationId],
    ['OS', (s) => s.os],
    ['DESCRIPTION', (s) => s.description],
  ]);
};

function serverLines(s: any): string[] {
  return fields([
    ['name', s.name],
    ['address', address(s)],
    ['user', s.username],
    ['group', s.group],
    ['location', s.locationId],
    ['os', s.os],
    ['description', s.description],
    ['password', s.hasPassword ? 'stored (for the first key deployment)' : 'none'],
    ['host vars', Object.keys(s.hostVars ?? {}).join(', ')],
    ['updated', time(s.lastUpdatedTime)],
  ]);
}

export const getServer: Command = async (ctx) => {
  const server = await ctx.api().get(`${serversPath(ctx)}/${seg(ctx.arg('NAME'))}`, serverHint(ctx));
  ctx.print(server, () => serverLines(server));
};

export const createServer: Command = async (ctx) => {
  const name = ctx.arg('NAME');
  const optional = { group: 'group', description: 'description', os: 'os', locationId: 'location', username: 'ssh-user' };
  const body: Record<string, unknown> = { name, ipAddress: ctx.string('ip') };
  for (const [field, option] of Object.entries(optional)) if (ctx.string(option) !== undefined) body[field] = ctx.string(option);
  if (ctx.string('port')) body.port = Number(ctx.string('port'));
  if (ctx.options['password-stdin']) body.password = await ctx.secret(`Bootstrap password for ${name}: `);
  const server = await ctx.api().post(serversPath(ctx), body);
  ctx.print(server, () => [`Registered server ${server.name} (${address(server)}, user ${server.username}).`]);
};

export const deleteServer: Command = async (ctx) => {
  const name = ctx.arg('NAME');
  await ctx.api().delete(`${serversPath(ctx)}/${seg(name)}`, serverHint(ctx));
  ctx.print({ deleted: name }, () => [`Deleted server ${name}.`]);
};
