import type { Server } from '@app/database';
import { hideSecrets, isClearSecret, splitSecrets, Variables } from '@app/domain';
import { sealed } from './sealed-columns';
import type { SecretBox } from './secret-box';

/**
 * A registered server's hostVars follow the rule of a job's (README "Secret variables"): host_vars
 * keeps "$encrypted$" where a secret was, the values are sealed together in sealed_host_vars.
 */
type ServerRow = Pick<Server, 'accountId' | 'name' | 'hostVars' | 'sealedHostVars'>;

/**
 * A server's hostVars as shown and its secret values. A secret left in clear in host_vars (stored
 * before servers sealed theirs; the migration could not seal it without the key) is legacy: it is
 * a secret all the same, so runs still get it, answers hide it, and the next write seals it.
 */
export function openServerHostVars(box: SecretBox, server: ServerRow): { shown: Variables; secrets: Record<string, string> } {
  const secrets: Record<string, string> = server.sealedHostVars ? box.openJson(server.sealedHostVars, sealed.serverHostVars(server.accountId, server.name)) : {};
  for (const [name, value] of Object.entries(server.hostVars)) {
    if (isClearSecret(name, value)) secrets[name] ??= typeof value === 'string' ? value : JSON.stringify(value);
  }
  return { shown: hideSecrets(server.hostVars), secrets };
}

/**
 * What to store for the hostVars of a request (checked as splitSecrets does: 400 for a short
 * secret, or "$encrypted$" with nothing in `previous` to keep).
 */
export function sealServerHostVars(
  box: SecretBox,
  server: Pick<Server, 'accountId' | 'name'>,
  hostVars: Variables,
  previous: Record<string, string>,
): Pick<Server, 'hostVars' | 'sealedHostVars'> {
  const { shown, secrets } = splitSecrets('hostVars', hostVars, { previous });
  const sealedHostVars = Object.keys(secrets).length ? box.sealJson(secrets, sealed.serverHostVars(server.accountId, server.name)) : null;
  return { hostVars: shown ?? {}, sealedHostVars };
}
