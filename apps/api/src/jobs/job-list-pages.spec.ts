import type { Account, Job, JobRepository, User } from '@app/database';
import type { Principal } from '../common/principal';
import { JobListPages } from './job-list-pages';

/** A JobRepository stand-in that counts page queries; the e2e tests run the real one (jobs, api-nodes). */
function fakeJobs(descriptionBytes: number) {
  const state = { version: '1', pageQueries: 0 };
  const job = (id: string): Job => ({
    id,
    accountId: 'a',
    description: 'x'.repeat(descriptionBytes),
    status: 'ACTIVE',
    definition: { hosts: [], callbacks: [], executionTtl: 180 },
    sealedSecrets: null,
    createdAt: new Date(0),
    updatedAt: new Date(0),
  });
  const repo = {
    listVersion: async () => state.version,
    pageByAccount: async (_account: string, page: number, _size: number, filter: { search?: string } = {}) => {
      state.pageQueries++;
      return [[job(`job-${page}${filter.search ? `-${filter.search}` : ''}`)], 1];
    },
  };
  return { state, repo: repo as unknown as JobRepository };
}

const account = { id: 'a', alias: 'DEMO' } as Account;
const as = (roles: string[]): Principal => ({ user: { roles } as User, account, tokenHash: Buffer.alloc(0), runExecutionId: null });

describe('JobListPages', () => {
  it('renders a page once per version and per set of permissions', async () => {
    const { state, repo } = fakeJobs(10);
    const pages = new JobListPages(repo);
    const first = await pages.render(account, as(['AccountAdmin']), 0, 100);
    expect(await pages.render(account, as(['AccountAdmin']), 0, 100)).toBe(first);
    expect(state.pageQueries).toBe(1);
    const viewer = await pages.render(account, as(['AccountViewer']), 0, 100);
    expect(state.pageQueries).toBe(2);
    expect(viewer.etag).not.toBe(first.etag);
    state.version = '2';
    expect(await pages.render(account, as(['AccountAdmin']), 0, 100)).not.toBe(first);
    expect(state.pageQueries).toBe(3);
    expect(JSON.parse(first.body.toString())).toMatchObject({ totalSize: 1, page: 0, size: 100, results: [{ id: 'job-0' }] });
  });

  it('keeps at most 32 MB of pages, dropping the least recently used, and never keeps a page over 2 MB', async () => {
    const { state, repo } = fakeJobs(1024 * 1024); // ~1 MB pages
    const pages = new JobListPages(repo);
    for (let page = 0; page < 40; page++) await pages.render(account, as(['AccountAdmin']), page, 1);
    expect(state.pageQueries).toBe(40);
    await pages.render(account, as(['AccountAdmin']), 39, 1); // kept: the newest
    expect(state.pageQueries).toBe(40);
    await pages.render(account, as(['AccountAdmin']), 0, 1); // dropped: the oldest
    expect(state.pageQueries).toBe(41);

    const { state: big, repo: bigRepo } = fakeJobs(3 * 1024 * 1024);
    const bigPages = new JobListPages(bigRepo);
    await bigPages.render(account, as(['AccountAdmin']), 0, 1);
    await bigPages.render(account, as(['AccountAdmin']), 0, 1);
    expect(big.pageQueries).toBe(2);
  });

  it('keeps a search page under its text, and renders a last-status page every time (runs do not move the version)', async () => {
    const { state, repo } = fakeJobs(10);
    const pages = new JobListPages(repo);
    const all = await pages.render(account, as(['AccountAdmin']), 0, 100);
    const found = await pages.render(account, as(['AccountAdmin']), 0, 100, { search: 'deploy' });
    expect(found).not.toBe(all);
    expect(JSON.parse(found.body.toString()).results[0].id).toBe('job-0-deploy');
    expect(await pages.render(account, as(['AccountAdmin']), 0, 100, { search: 'deploy' })).toBe(found);
    expect(state.pageQueries).toBe(2);
    await pages.render(account, as(['AccountAdmin']), 0, 100, { lastStatus: 'FAILURE' });
    await pages.render(account, as(['AccountAdmin']), 0, 100, { lastStatus: 'FAILURE' });
    expect(state.pageQueries).toBe(4);
  });
});
