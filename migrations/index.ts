import { Foundation1732300000000 } from './1732300000000-foundation';
import { Executions1732400000000 } from './1732400000000-executions';
import { Webhooks1732500000000 } from './1732500000000-webhooks';
import { KeypairsServers1732600000000 } from './1732600000000-keypairs-servers';
import { Schedules1732700000000 } from './1732700000000-schedules';
import { Runners1732800000000 } from './1732800000000-runners';
import { VpnConnections1732900000000 } from './1732900000000-vpn-connections';
import { JobListVersions1733000000000 } from './1733000000000-job-list-versions';
import { AccountSandboxIds1733100000000 } from './1733100000000-account-sandbox-ids';
import { ServerSealedHostVars1733200000000 } from './1733200000000-server-sealed-host-vars';
import { WebhookDeliveryLevels1733210000000 } from './1733210000000-webhook-delivery-levels';
import { RunTokens1733300000000 } from './1733300000000-run-tokens';
import { RunNotifications1733400000000 } from './1733400000000-run-notifications';
import { ExecutionArtifacts1733410000000 } from './1733410000000-execution-artifacts';
import { ScheduleTimeZones1733500000000 } from './1733500000000-schedule-time-zones';
import { Retention1733600000000 } from './1733600000000-retention';
import { AccountQueues1733700000000 } from './1733700000000-account-queues';
import { JobRuns1733800000000 } from './1733800000000-job-runs';
import { ClaimFunction1733900000000 } from './1733900000000-claim-function';
import { LeanerQueueTriggers1734000000000 } from './1734000000000-leaner-queue-triggers';

/** Every migration, in order. Listed by hand (no globs) so the same list works compiled and under ts-jest. */
export const MIGRATIONS = [
  Foundation1732300000000,
  Executions1732400000000,
  Webhooks1732500000000,
  KeypairsServers1732600000000,
  Schedules1732700000000,
  Runners1732800000000,
  VpnConnections1732900000000,
  JobListVersions1733000000000,
  AccountSandboxIds1733100000000,
  ServerSealedHostVars1733200000000,
  WebhookDeliveryLevels1733210000000,
  RunTokens1733300000000,
  RunNotifications1733400000000,
  ExecutionArtifacts1733410000000,
  ScheduleTimeZones1733500000000,
  Retention1733600000000,
  AccountQueues1733700000000,
  JobRuns1733800000000,
  ClaimFunction1733900000000,
  LeanerQueueTriggers1734000000000,
];
