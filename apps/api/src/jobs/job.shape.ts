import type { Account, Job } from '@app/database';
import { rolesAllow } from '@app/domain';
import { Link, link } from '../common/links';
import type { Principal } from '../common/principal';
import type { JobResponse } from './job.dto';

/** The API shape of a job: the stored definition (secret-free by construction), times, links. */
export function shapeJob(job: Job, account: Account, principal: Principal): JobResponse {
  const self = `/v2/automation/jobs/${account.alias}/${job.id}`;
  const links: Link[] = [
    link('self', self, rolesAllow(principal.user.roles, 'manage') ? { verbs: ['GET', 'PUT', 'DELETE'] } : {}),
    link('account', `/v2/accounts/${account.alias}`, { id: account.alias }),
    link('executions', `${self}/executions`),
    link('status', `/v2/automation/status/${account.alias}/job/${job.id}`),
  ];
  if (rolesAllow(principal.user.roles, 'operate')) links.push(link('start', `${self}/start`, { verbs: ['POST'] }));
  return {
    id: job.id,
    accountAlias: account.alias,
    description: job.description,
    status: job.status,
    ...job.definition,
    createdTime: job.createdAt.getTime(),
    lastUpdatedTime: job.updatedAt.getTime(),
    links,
  };
}
