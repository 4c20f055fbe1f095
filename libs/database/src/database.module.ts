import { Global, Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { CONFIG, RunnerConfig } from '@app/config';
import { createDataSource, migrate } from './data-source';
import { AccountRepository } from './account.repository';
import { AuthTokenRepository } from './auth-token.repository';
import { ExecutionRepository } from './execution.repository';
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
  ExecutionRepository,
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
    ...REPOSITORIES,
  ],
  exports: [DataSource, ...REPOSITORIES],
})
export class DatabaseModule implements OnApplicationShutdown {
  constructor(@Inject(DataSource) private readonly dataSource: DataSource) {}

  async onApplicationShutdown(): Promise<void> {
    if (this.dataSource.isInitialized) await this.dataSource.destroy();
  }
}
