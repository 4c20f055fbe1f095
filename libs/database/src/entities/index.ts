import { Account } from './account.entity';
import { AccountQueue } from './account-queue.entity';
import { AuthToken } from './auth-token.entity';
import { Delivery } from './delivery.entity';
import { Execution } from './execution.entity';
import { ExecutionOutput } from './execution-output.entity';
import { Job } from './job.entity';
import { JobListVersion } from './job-list-version.entity';
import { JobRun } from './job-run.entity';
import { Keypair, KeypairDeployment } from './keypair.entity';
import { KnownHost } from './known-host.entity';
import { LoginFailure } from './login-failure.entity';
import { Operation } from './operation.entity';
import { Runner } from './runner.entity';
import { Schedule } from './schedule.entity';
import { ScheduleFire } from './schedule-fire.entity';
import { Server } from './server.entity';
import { ServiceAccount } from './service-account.entity';
import { Setting } from './setting.entity';
import { StatusRecord } from './status-record.entity';
import { User } from './user.entity';
import { VpnConnection } from './vpn-connection.entity';

export * from './account.entity';
export * from './account-queue.entity';
export * from './auth-token.entity';
export * from './delivery.entity';
export * from './execution.entity';
export * from './execution-output.entity';
export * from './job.entity';
export * from './job-list-version.entity';
export * from './job-run.entity';
export * from './keypair.entity';
export * from './known-host.entity';
export * from './login-failure.entity';
export * from './operation.entity';
export * from './runner.entity';
export * from './schedule.entity';
export * from './schedule-fire.entity';
export * from './server.entity';
export * from './setting.entity';
export * from './status-record.entity';
export * from './user.entity';
export * from './vpn-connection.entity';
// ServiceAccount is not exported: ScheduleRepository still declares an interface of that name.

/** One entity per table of the migrated schema (test/integration/entities.test.ts holds them to it). */
export const ENTITIES = [
  Account,
  AccountQueue,
  User,
  AuthToken,
  LoginFailure,
  Job,
  JobListVersion,
  JobRun,
  Setting,
  Execution,
  StatusRecord,
  ExecutionOutput,
  KnownHost,
  Delivery,
  Keypair,
  KeypairDeployment,
  Server,
  Operation,
  ServiceAccount,
  Schedule,
  ScheduleFire,
  Runner,
  VpnConnection,
];
