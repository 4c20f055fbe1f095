import { DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, DiscoveryModule } from '@nestjs/core';
import { ConfigModule, JsonLogger, RunnerConfig } from '@app/config';
import { DatabaseModule } from '@app/database';
import { KeysModule } from '@app/keys';
import { AccountsController } from './accounts/accounts.controller';
import { AccountsService } from './accounts/accounts.service';
import { AuthController } from './auth/auth.controller';
import { AuthService } from './auth/auth.service';
import { TokenService } from './auth/token.service';
import { AccessGuard } from './common/access.guard';
import { ErrorFilter } from './common/error.filter';
import { ExecutionMetrics } from './common/execution-metrics';
import { DrainState } from './common/drain-state';
import { HttpMetrics } from './common/http-metrics';
import { RouteAudit } from './common/route-audit';
import { ExecutionsController } from './executions/executions.controller';
import { ExecutionsService } from './executions/executions.service';
import { HealthController } from './health/health.controller';
import { HealthService } from './health/health.service';
import { KeypairsController } from './keypairs/keypairs.controller';
import { KeypairsService } from './keypairs/keypairs.service';
import { OperationsController } from './operations/operations.controller';
import { OperationsService } from './operations/operations.service';
import { RunnersController } from './runners/runners.controller';
import { RunnersService } from './runners/runners.service';
import { SchedulesController } from './schedules/schedules.controller';
import { SchedulesService } from './schedules/schedules.service';
import { ServersController } from './servers/servers.controller';
import { ServersService } from './servers/servers.service';
import { WebhooksController } from './webhooks/webhooks.controller';
import { RealtimeGateway } from './realtime/realtime.gateway';
import { RecordFeed } from './realtime/record-feed';
import { SocketAuthority } from './realtime/socket-authority';
import { StatusController } from './status/status.controller';
import { JobsController } from './jobs/jobs.controller';
import { JobListPages } from './jobs/job-list-pages';
import { JobsService } from './jobs/jobs.service';
import { UsersController } from './users/users.controller';
import { UsersService } from './users/users.service';
import { VpnController } from './vpn/vpn.controller';
import { VpnService } from './vpn/vpn.service';
import { NotifyController } from './notify/notify.controller';
import { NotifyService } from './notify/notify.service';
import { RetentionController } from './retention/retention.controller';
import { RetentionService } from './retention/retention.service';

@Module({})
export class ApiModule {
  static forRoot(config: RunnerConfig, logger: JsonLogger, metrics: HttpMetrics, drain: DrainState): DynamicModule {
    return {
      module: ApiModule,
      imports: [ConfigModule.forRoot(config), DatabaseModule, KeysModule, DiscoveryModule],
      // ExecutionsController before JobsController: `:alias/executions` must win over `:alias/:jobId`.
      controllers: [AuthController, AccountsController, NotifyController, RetentionController, UsersController, ExecutionsController, JobsController, StatusController, WebhooksController, ServersController, KeypairsController, OperationsController, SchedulesController, RunnersController, VpnController, HealthController],
      providers: [
        { provide: JsonLogger, useValue: logger },
        { provide: HttpMetrics, useValue: metrics },
        { provide: DrainState, useValue: drain },
        { provide: APP_GUARD, useClass: AccessGuard },
        { provide: APP_FILTER, useClass: ErrorFilter },
        RouteAudit,
        ExecutionMetrics,
        TokenService,
        AuthService,
        AccountsService,
        UsersService,
        JobsService,
        JobListPages,
        ExecutionsService,
        ServersService,
        KeypairsService,
        OperationsService,
        RunnersService,
        HealthService,
        SchedulesService,
        VpnService,
        NotifyService,
        RetentionService,
        RecordFeed,
        SocketAuthority,
        RealtimeGateway,
      ],
    };
  }
}
