import { Global, Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { CONFIG, RunnerConfig } from '@app/config';
import { Clock, SystemClock } from '@app/domain';
import { createDataSource, migrate } from './data-source';
import { AccountRepository } from './account.repository';
import { AuthTokenRepository } from './auth-token.repository';
import { ExecutionWriter } from './execution-writer';
import { ExecutionQueue } from './execution-queue';
import { ExecutionReads } from './execution-reads';
import { RecordLog } from './record-log';
import { RunTotals } from './run-totals';
import { JobRepository } from './job.repository';
import { StatusRecordRepository } from './status-record.repository';
import { KnownHostRepository } from './known-host.repository';
import { WebhookRepository } from './webhook.repository';
import { NotifyRepository } from './notify.repository';
import { KeypairRepository } from './keypair.repository';
import { ServerRepository } from './server.repository';
import { OperationRepository } from './operation.repository';
import { ScheduleRepository } from './schedule.repository';
import { RunnerRepository } from './runner.repository';
import { VpnConnectionRepository } from './vpn-connection.repository';
import { LoginFailureRepository } from './login-failure.repository';
import { SettingRepository } from './setting.repository';
import { UserRepository } from './user.repository';
import { RetentionRepository } from './retention.repository';

const REPOSITORIES = [
  AccountRepository,
  UserRepository,
  AuthTokenRepository,
  LoginFailureRepository,
  JobRepository,
  SettingRepository,
  ExecutionWriter,
  ExecutionQueue,
  ExecutionReads,
  RunTotals,
  RecordLog,
  StatusRecordRepository,
  KnownHostRepository,
  WebhookRepository,
  NotifyRepository,
  KeypairRepository,
  ServerRepository,
  OperationRepository,
  ScheduleRepository,
  RunnerRepository,
  VpnConnectionRepository,
  RetentionRepository,
];

@Global()
@Module({
  providers: [
    {
      provide: DataSource,
      inject: [CONFIG],
      useFactory: async (config: RunnerConfig): Promise<DataSource> => {
        if (!config.databaseUrl) throw new Error('DATABASE_URL is required (the launcher sets it for an embedded database)');
        const dataSource = await createDataSource(config.databaseUrl).initialize();
        await migrate(dataSource);
        return dataSource;
      },
    },
    // The time the repositories stamp rows and records with; the worker's scheduler and runs take the same one.
    { provide: Clock, useClass: SystemClock },
    ...REPOSITORIES,
  ],
  exports: [DataSource, Clock, ...REPOSITORIES],
})
export class DatabaseModule implements OnApplicationShutdown {
  constructor(@Inject(DataSource) private readonly dataSource: DataSource) {}

  async onApplicationShutdown(): Promise<void> {
    if (this.dataSource.isInitialized) await this.dataSource.destroy();
  }
}
