import { Command, Context } from '../context';
import { EXIT, usageError } from '../exit-codes';
import { fields, time } from '../format';

const seg = encodeURIComponent;
const vpnPath = (ctx: Context): string => `/v2/automation/vpn/${seg(ctx.alias())}`;
const vpnHint = (ctx: Context): string => `"automation-runner vpn list" shows the VPN connections of account ${ctx.alias()}.`;
const gatewayText = (c: any): string => `${c.gateway?.username}@${c.gateway?.host}:${c.gateway?.port}`;

/** `HOST`, `HOST:PORT`, `[IPv6]:PORT` or a bare IPv6 address → host and port. Pure. */
export function parseGateway(text: string): { host: string; port?: number } {
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(text);
  const [, host, port] = bracketed ?? (/^([^:]+):(\d+)$/.exec(text) || [text, text, undefined]);
  if (!host) throw usageError(`--gateway "${text}" has no host.`);
  if (port === undefined) return { host };
  const n = Number(port);
  if (!Number.isInteger(n) || n < 1 || n > 65_535) throw usageError(`--gateway "${text}": the port must be 1-65535.`);
  return { host, port: n };
}

export const listVpn: Command = async (ctx) => {
  const paged = await ctx.api().get(vpnPath(ctx) + ctx.pageQuery());
  ctx.printList(paged, `No VPN connections in account ${ctx.alias()}.`, [
    ['ID', (c) => c.id],
    ['NAME', (c) => c.name],
    ['NETWORKS', (c) => c.networks],
    ['GATEWAY', gatewayText],
    ['STATUS', (c) => c.status],
    ['CHECKED', (c) => time(c.lastCheckedTime)],
  ]);
};

export const getVpn: Command = async (ctx) => {
  const c = await ctx.api().get(`${vpnPath(ctx)}/${seg(ctx.arg('ID'))}`, vpnHint(ctx));
  ctx.print(c, () =>
    fields([
      ['id', c.id],
      ['name', c.name],
      ['networks', (c.networks ?? []).join(', ')],
      ['gateway', gatewayText(c)],
      ['key pair', c.gateway?.keyPairAlias],
      ['status', c.status],
      ['checked', time(c.lastCheckedTime)],
      ['message', c.lastCheckMessage],
    ]),
  );
};

export const createVpn: Command = async (ctx) => {
  const gateway = parseGateway(ctx.string('gateway')!);
  const body = {
    name: ctx.arg('NAME'),
    networks: ctx.list('network'),
    gateway: { ...gateway, username: ctx.string('gateway-user'), keyPairAlias: ctx.string('key-pair') },
  };
  const c = await ctx.api().post(vpnPath(ctx), body);
  ctx.print(c, () => [`Created VPN connection ${c.name} (id ${c.id}) through ${gatewayText(c)}.`, `Check it: automation-runner vpn test ${c.id}`]);
};

/** Logs in to the gateway now; exit 1 when it is down, so a script can tell. */
export const testVpn: Command = async (ctx) => {
  const id = ctx.arg('ID');
  const result = await ctx.api().post(`${vpnPath(ctx)}/${seg(id)}/test`, {}, vpnHint(ctx));
  ctx.print(result, () => [
    `VPN connection ${id}: ${result.status}${typeof result.latencyMs === 'number' ? ` (latency ${result.latencyMs} ms)` : ''}${result.message ? ` - ${result.message}` : ''}`,
  ]);
  if (result.status !== 'up') return EXIT.failure;
};

export const deleteVpn: Command = async (ctx) => {
  const id = ctx.arg('ID');
  await ctx.api().delete(`${vpnPath(ctx)}/${seg(id)}`, vpnHint(ctx));
  ctx.print({ deleted: id }, () => [`Deleted VPN connection ${id}.`]);
};
