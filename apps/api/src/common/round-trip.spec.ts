import 'reflect-metadata';

// @nestjs/swagger's swagger-ui module cannot be compiled to CommonJS for Jest; its decorators only
// document the DTOs, so stand-ins that do nothing are enough to load them here.
jest.mock('@nestjs/swagger', () => {
  const nothing = () => () => undefined;
  return { ApiProperty: nothing, ApiPropertyOptional: nothing, ApiHideProperty: nothing };
});
import { DomainError } from '@app/domain';
import { JobRequest } from '../jobs/job.dto';
import { ScheduleRequest } from '../schedules/schedule.dto';
import { checkSameAsPath } from './round-trip';
import { strictValidationPipe } from './validation';

const pipe = strictValidationPipe();
const asBody = <T>(metatype: new () => T, value: unknown): Promise<T> => pipe.transform(value, { type: 'body', metatype }) as Promise<T>;

/** The 400 a body gets, as `{message, fields}`. */
async function refusal(metatype: new () => unknown, value: unknown): Promise<{ message: string; fields: string[] }> {
  try {
    await asBody(metatype, value);
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    return { message: error.message, fields: (error.errors ?? []).map((e) => e.field) };
  }
  throw new Error('the body was accepted');
}

const repository = { url: 'https://git.example.com/site.git', defaultPlaybook: 'site.yml' };

describe('round trips through the validation pipe', () => {
  it('drops the fields GET adds, at any depth, and keeps the rest', async () => {
    const job = await asBody(JobRequest, {
      id: 'a1', accountAlias: 'DEMO', status: 'ACTIVE', createdTime: 1, lastUpdatedTime: 2, links: [{ rel: 'self' }],
      description: 'd', repository: { ...repository, hasCredentials: true },
    });
    expect(job).toMatchObject({ id: 'a1', description: 'd', repository });
    for (const field of ['accountAlias', 'status', 'createdTime', 'lastUpdatedTime', 'links'] as const) expect(job[field]).toBeUndefined();
    expect(job.repository?.hasCredentials).toBeUndefined();
  });

  it('still refuses an unknown field by name, also beside read-only ones', async () => {
    expect(await refusal(JobRequest, { status: 'ACTIVE', descripton: 'typo', repository })).toMatchObject({ fields: ['descripton'] });
    expect(await refusal(JobRequest, { repository: { ...repository, hasCredential: true } })).toMatchObject({ fields: ['repository.hasCredential'] });
    expect(await refusal(JobRequest, { id: 7, repository })).toMatchObject({ fields: ['id'] });
  });

  it('refuses an identity that differs from the path, naming it', () => {
    expect(() => checkSameAsPath({ id: ['a1', 'a1'], jobId: [undefined, 'j1'] })).not.toThrow();
    expect(() => checkSameAsPath({ id: ['a1', 'a1'], jobId: ['j2', 'j1'] })).toThrow(/^jobId: is j2, but the path names j1/);
  });

  it('reads the Runner\'s spellings: repository.ref, callbacks as URLs, the trigger under type', async () => {
    const job = await asBody(JobRequest, { repository: { ...repository, ref: 'v1' }, callbacks: ['https://hooks.example.com/a', { url: 'https://hooks.example.com/b', level: 'ERROR' }] });
    expect(job.repository).toEqual({ ...repository, branch: 'v1' });
    expect(job.callbacks).toEqual([{ url: 'https://hooks.example.com/a' }, { url: 'https://hooks.example.com/b', level: 'ERROR' }]);
    expect(await refusal(JobRequest, { repository, callbacks: ['ftp://x'] })).toMatchObject({ fields: ['callbacks.0.url'] });
    expect(await refusal(JobRequest, { repository: { ...repository, ref: 'v1', branch: 'main' } })).toMatchObject({ fields: ['repository.ref'] });
    expect(await refusal(JobRequest, { repository: { ...repository, ref: '-x' } })).toMatchObject({ fields: ['repository.branch'] });
    expect((await asBody(JobRequest, { repository: { ...repository, ref: 'v1', branch: 'v1' } })).repository?.branch).toBe('v1');

    const trigger = { type: 'cron', expression: '* 1 * * *' };
    const schedule = await asBody(ScheduleRequest, { serviceAccountAlias: 'sa', type: trigger });
    expect(schedule.trigger).toEqual(trigger);
    expect((schedule as unknown as { type?: unknown }).type).toBeUndefined();
    expect(await refusal(ScheduleRequest, { serviceAccountAlias: 'sa', type: { type: 'weekly', expression: 'x' } })).toMatchObject({ fields: ['trigger.type'] });
    expect(await refusal(ScheduleRequest, { serviceAccountAlias: 'sa', type: trigger, trigger: { ...trigger, expression: '* 2 * * *' } })).toMatchObject({ fields: ['type'] });
    expect(await refusal(ScheduleRequest, { serviceAccountAlias: 'sa' })).toMatchObject({ fields: ['trigger'] });
  });
});
