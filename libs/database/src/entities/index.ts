import { Account } from './account.entity';
import { AuthToken } from './auth-token.entity';
import { Execution } from './execution.entity';
import { Job } from './job.entity';
import { Schedule } from './schedule.entity';
import { StatusRecord } from './status-record.entity';
import { User } from './user.entity';

export * from './account.entity';
export * from './auth-token.entity';
export * from './execution.entity';
export * from './job.entity';
export * from './schedule.entity';
export * from './status-record.entity';
export * from './user.entity';

export const ENTITIES = [Account, User, AuthToken, Job, Execution, StatusRecord, Schedule];
