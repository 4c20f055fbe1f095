import { Account } from './account.entity';
import { AuthToken } from './auth-token.entity';
import { Job } from './job.entity';
import { User } from './user.entity';

export * from './account.entity';
export * from './auth-token.entity';
export * from './job.entity';
export * from './user.entity';

export const ENTITIES = [Account, User, AuthToken, Job];
