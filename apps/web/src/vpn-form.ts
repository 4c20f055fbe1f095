/** The VPN connection form as plain data: what the fields hold, and the API body they become. */

export interface Gateway {
  host: string;
  port: number;
  username: string;
  keyPairAlias: string;
}

export interface VpnConnection {
  id: string;
  name: string;
  networks: string[];
  gateway: Gateway;
  status: 'up' | 'down' | 'unknown';
  lastCheckedTime: number | null;
  lastCheckMessage: string | null;
}

/** `POST …/{id}/test`: latency only when the gateway accepted the key. */
export interface VpnTestAnswer {
  status: 'up' | 'down';
  latencyMs: number | null;
  message: string;
}

export interface VpnForm {
  name: string;
  networks: string;
  host: string;
  port: string;
  username: string;
  keyPairAlias: string;
}

export const EMPTY_VPN_FORM: VpnForm = { name: '', networks: '', host: '', port: '22', username: '', keyPairAlias: '' };

/**
 * Networks one per line or comma-separated, as typed. Kept as written otherwise: the API checks each
 * CIDR and names the bad one by its position (`networks.1`), which is the position here too.
 */
export const networksOf = (text: string): string[] => text.split(/[\s,]+/).filter(Boolean);

export function vpnFormOf(connection: VpnConnection): VpnForm {
  const { gateway } = connection;
  return { name: connection.name, networks: connection.networks.join('\n'), host: gateway.host, port: String(gateway.port), username: gateway.username, keyPairAlias: gateway.keyPairAlias };
}

/** The body of POST and PUT (the whole definition). An empty port means the API's default, 22. */
export function vpnBodyOf(form: VpnForm): { name: string; networks: string[]; gateway: Partial<Gateway> } {
  const gateway: Partial<Gateway> = { host: form.host.trim(), username: form.username.trim(), keyPairAlias: form.keyPairAlias };
  // The field is a number input; a fraction or an out-of-range port goes as is, for the API's 400 to name.
  if (form.port.trim()) gateway.port = Number(form.port);
  return { name: form.name.trim(), networks: networksOf(form.networks), gateway };
}

/** `user@host:port`, with IPv6 addresses in brackets so the port stays readable. */
export function gatewayText(gateway: Gateway): string {
  const host = gateway.host.includes(':') ? `[${gateway.host}]` : gateway.host;
  return `${gateway.username}@${host}:${gateway.port}`;
}

/** One line for the live region, worded as the command line's `vpn test` prints it. */
export function testAnswerText(name: string, answer: VpnTestAnswer): string {
  const latency = answer.latencyMs === null ? '' : ` (latency ${answer.latencyMs.toFixed(1)} ms)`;
  return `${name}: ${answer.status}${latency} - ${answer.message}`;
}
