import { NodeSSH } from 'node-ssh';
import type { KeypairRepository, VpnConnection, VpnConnectionRepository } from '@app/database';
import type { SecretBox } from './secret-box';
import { sealed } from './sealed-columns';
import { hostKeyAlgorithms, keyTypeOfBlob, knownHostName, knownKeysFor } from './known-hosts';

export interface GatewayTarget {
  /** The VPN connection's name, used in every message. */
  name: string;
  host: string;
  port: number;
  username: string;
  privateKey: string;
}

export interface GatewayCheck {
  status: 'up' | 'down';
  /** Time to connect and authenticate; null when the gateway was not reached. */
  latencyMs: number | null;
  message: string;
  /** A known_hosts line for a host key seen for the first time (to remember for the account). */
  newKnownHost?: string;
}

/**
 * Logs in to a VPN gateway with its key pair and logs out: the gateway is up when it accepts
 * the key. Its host key must match the account's known hosts (first contact is remembered, as for
 * every host a run reaches); a changed key is reported down, naming the gateway, without sending
 * the key. Runs in-process (node-ssh), so neither the api nor the worker spawns anything for it.
 */
export async function probeGateway(target: GatewayTarget, knownHostLines: string[], timeoutMs = 15_000): Promise<GatewayCheck> {
  const where = `${target.username}@${knownHostName(target.host, target.port)}`;
  const known = knownKeysFor(knownHostLines, target.host, target.port);
  let seen: { type: string; key: string } | undefined;
  let mismatch = false;
  const ssh = new NodeSSH();
  const started = process.hrtime.bigint();
  try {
    await ssh.connect({
      host: target.host,
      port: target.port,
      username: target.username,
      privateKey: target.privateKey,
      readyTimeout: timeoutMs,
      tryKeyboard: false,
      // Ask for a key type already on record, so a gateway with several host keys is not
      // mistaken for a changed one.
      ...(known.length ? { algorithms: { serverHostKey: [...new Set(known.flatMap((k) => hostKeyAlgorithms(k.type)))] as never } } : {}),
      hostVerifier: (blob: Buffer) => {
        seen = { type: keyTypeOfBlob(blob) ?? 'unknown', key: blob.toString('base64') };
        mismatch = known.length > 0 && !known.some((k) => k.key === seen!.key);
        return !mismatch;
      },
    });
    const latencyMs = Math.round(Number(process.hrtime.bigint() - started) / 1e5) / 10;
    return {
      status: 'up',
      latencyMs,
      message: `gateway ${target.name} (${where}) accepted its key pair in ${latencyMs} ms`,
      ...(known.length === 0 && seen ? { newKnownHost: `${knownHostName(target.host, target.port)} ${seen.type} ${seen.key}` } : {}),
    };
  } catch (error) {
    if (mismatch) {
      return {
        status: 'down',
        latencyMs: null,
        message: `the SSH host key of VPN gateway ${target.name} (${knownHostName(target.host, target.port)}) changed since it was first seen; refusing to connect`,
      };
    }
    return { status: 'down', latencyMs: null, message: `VPN gateway ${target.name} (${where}) is down: ${describe(error as Error)}` };
  } finally {
    ssh.dispose();
  }
}

function describe(error: Error & { code?: string; level?: string }): string {
  if (error.code === 'ECONNREFUSED') return 'connection refused';
  if (error.code === 'EHOSTUNREACH' || error.code === 'ENETUNREACH') return 'no route to the gateway';
  if (error.code === 'ENOTFOUND' || error.code === 'EAI_AGAIN') return 'its name does not resolve';
  if (/Timed out while waiting for handshake/i.test(error.message)) return 'no answer (timed out)';
  if (error.level === 'client-authentication') return 'it refused the key pair';
  return error.message;
}

/** A connection's check, with the gateway key when it is up (for a run's ssh-agent; never answered). */
export interface ConnectionCheck extends GatewayCheck {
  privateKey?: string;
  publicKey?: string;
}

/**
 * Checks a VPN connection: its key pair must still exist with its private key, then the gateway
 * must accept it (probeGateway). The outcome becomes the connection's status and lastCheckedTime.
 * The one check behind both `POST …/test` (api) and the check before a run (worker).
 */
export async function checkConnection(
  deps: { keypairs: KeypairRepository; vpn: VpnConnectionRepository; box: SecretBox },
  connection: VpnConnection,
  knownHostLines: string[],
): Promise<ConnectionCheck> {
  const checkedAt = new Date();
  const keypair = await deps.keypairs.find(connection.accountId, connection.keyPairAlias);
  let check: ConnectionCheck;
  if (!keypair?.sealedPrivateKey) {
    const problem = keypair ? 'has no private key' : 'no longer exists';
    check = { status: 'down', latencyMs: null, message: `VPN gateway ${connection.name} cannot be used: key pair ${connection.keyPairAlias} ${problem}` };
  } else {
    const privateKey = deps.box.open(keypair.sealedPrivateKey, sealed.keypair(keypair.accountId, keypair.alias));
    const target = { name: connection.name, host: connection.gatewayHost, port: connection.gatewayPort, username: connection.gatewayUsername, privateKey };
    const probed = await probeGateway(target, knownHostLines);
    check = probed.status === 'up' ? { ...probed, privateKey, publicKey: keypair.publicKey } : probed;
  }
  await deps.vpn.recordCheck(connection.accountId, connection.id, check.status, check.message, checkedAt);
  return check;
}
