import { NodeSSH } from 'node-ssh';
import type { KeypairRepository, VpnConnection, VpnConnectionRepository } from '@app/database';
import type { SecretBox } from './secret-box';
import { sealed } from './sealed-columns';
import { hostKeyAlgorithms, keyTypeOfBlob, knownHostName, knownKeysFor } from './known-hosts';
import { resolveProbeTarget } from './probe-target';
import { sshFailure } from './ssh-failure';

export interface GatewayTarget {
  /** The VPN connection's name, used in every message. */
  name: string;
  host: string;
  port: number;
  username: string;
  privateKey: string;
  /** RUNNER_PROBE_ALLOW_INTERNAL: may the gateway be on loopback, link-local, … (probe-target.ts)? */
  allowInternal: boolean;
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
 * The gateway's name is resolved and checked once (resolveProbeTarget) and that address is the one
 * connected to; host keys stay on record under the name the tenant gave.
 */
export async function probeGateway(target: GatewayTarget, knownHostLines: string[], timeoutMs = 15_000): Promise<GatewayCheck> {
  const where = `${target.username}@${knownHostName(target.host, target.port)}`;
  const known = knownKeysFor(knownHostLines, target.host, target.port);
  let seen: { type: string; key: string } | undefined;
  let mismatch = false;
  const ssh = new NodeSSH();
  const started = process.hrtime.bigint();
  try {
    const address = await resolveProbeTarget(target.host, target.allowInternal);
    await ssh.connect({
      host: address,
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
    return { status: 'down', latencyMs: null, message: `VPN gateway ${target.name} (${where}) is down: ${sshFailure(error as Error, 'it refused the key pair')}` };
  } finally {
    ssh.dispose();
  }
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
  deps: { keypairs: KeypairRepository; vpn: VpnConnectionRepository; box: SecretBox; allowInternal: boolean },
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
    const target = {
      name: connection.name,
      host: connection.gatewayHost,
      port: connection.gatewayPort,
      username: connection.gatewayUsername,
      privateKey,
      allowInternal: deps.allowInternal,
    };
    const probed = await probeGateway(target, knownHostLines);
    check = probed.status === 'up' ? { ...probed, privateKey, publicKey: keypair.publicKey } : probed;
  }
  await deps.vpn.recordCheck(connection.accountId, connection.id, check.status, check.message, checkedAt);
  return check;
}
