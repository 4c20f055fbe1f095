import type { InventoryHost } from '@app/ansible';
import type { Execution, Job, JobSecrets, ServerRepository } from '@app/database';
import { withSecrets } from '@app/domain';
import { openServerHostVars, SecretBox } from '@app/keys';

/** The inventory group of the hosts a start request or restart selected (see selectedHosts()). */
export const SELECTED_GROUP = '__runner_selected_hosts';

/**
 * The job's hosts, plus with `useDynamicInventory` every registered server of the account, in a
 * group named after its group and one after its locationId (non-word characters become "_").
 * A job host with the same name as a server wins. `secrets` are the servers' secret hostVars
 * put back in place, for the masker.
 */
export async function jobInventory(
  deps: { servers: ServerRepository; box: SecretBox },
  job: Job,
  jobSecrets: JobSecrets,
): Promise<{ hosts: InventoryHost[]; groups: Record<string, string[]>; secrets: string[] }> {
  const hosts = job.definition.hosts.map((host) => (host.hostVars ? { ...host, hostVars: withSecrets(host.hostVars, jobSecrets.hostVars?.[host.id]) } : host));
  const groups: Record<string, string[]> = {};
  const secrets: string[] = [];
  if (!job.definition.useDynamicInventory) return { hosts, groups, secrets };
  const named = new Set(hosts.map((h) => h.id));
  const groupName = (name: string): string => name.replace(/\W/g, '_');
  for (const server of await deps.servers.all(job.accountId)) {
    if (named.has(server.name)) continue;
    const hostVars = openServerHostVars(deps.box, server);
    secrets.push(...Object.values(hostVars.secrets));
    hosts.push({
      id: server.name,
      hostVars: { ...withSecrets(hostVars.shown, hostVars.secrets), ansible_host: server.ipAddress, ansible_port: server.port, ansible_user: server.username },
    });
    for (const group of [server.group, server.locationId].filter((g): g is string => !!g)) {
      (groups[groupName(group)] ??= []).push(server.name);
    }
  }
  return { hosts, groups, secrets };
}

/**
 * The hosts a start request and, on a restart, the failed hosts select (both: the hosts in each),
 * or null when the run is not narrowed. They become a group of the inventory that the --limit
 * intersects with, so a selection only ever narrows the job's own limit.
 */
export function selectedHosts(execution: Pick<Execution, 'request' | 'onlyHosts'>): string[] | null {
  const subsets = [execution.request.hosts, execution.onlyHosts].filter((s): s is string[] => !!s?.length);
  if (!subsets.length) return null;
  return subsets[0].filter((id) => subsets.every((subset) => subset.includes(id)));
}
