import { activityHeader, activityLine, ActivityTracker, eventOfExecution } from './activity';

const event = (id: string, status: string) => ({ execution_id: id, job_id: 'job-1', account_alias: 'DEMO', status, time: 0 });

describe('ActivityTracker', () => {
  it('reports each run once per status, whichever source sees it first', () => {
    const tracker = new ActivityTracker();
    expect(tracker.observe(event('a', 'PENDING'))).toMatchObject({ status: 'PENDING' });
    expect(tracker.observe(event('a', 'PENDING'))).toBeNull();
    expect(tracker.observe(event('a', 'RUNNING'))).toMatchObject({ status: 'RUNNING' });
    expect(tracker.observe(event('b', 'RUNNING'))).toMatchObject({ execution_id: 'b' });
    // A restart brings a FAILURE back to PENDING: that is news too.
    expect(tracker.observe(event('a', 'FAILURE'))).not.toBeNull();
    expect(tracker.observe(event('a', 'PENDING'))).not.toBeNull();
  });

  it('with a status filter, reports only changes to that status, but remembers the others', () => {
    const tracker = new ActivityTracker('FAILURE');
    expect(tracker.observe(event('a', 'RUNNING'))).toBeNull();
    expect(tracker.observe(event('a', 'FAILURE'))).toMatchObject({ status: 'FAILURE' });
    expect(tracker.observe(event('a', 'FAILURE'))).toBeNull();
  });
});

describe('activity lines', () => {
  it('line up under the header and name the failed hosts', () => {
    const line = activityLine({ ...event('e'.repeat(36), 'FAILURE'), job_id: 'j'.repeat(36), time: Date.UTC(2026, 10, 30, 1, 2, 3), failed_hosts: ['web-1', 'web-2'] });
    expect(line).toBe(`2026-11-30 01:02:03Z  FAILURE       DEMO              ${'j'.repeat(36)}  ${'e'.repeat(36)}  failed: web-1, web-2`);
    expect(activityHeader().indexOf('EXECUTION')).toBe(line.indexOf('eeee'));
  });

  it('take a run\'s end time once it has ended, else its start', () => {
    const doc = { execution_id: 'e', job_id: 'j', account_alias: 'SUB', status: 'SUCCESS', start: 1, end: 2, failed_hosts: [] };
    expect(eventOfExecution(doc)).toEqual({ execution_id: 'e', job_id: 'j', account_alias: 'SUB', status: 'SUCCESS', time: 2 });
    expect(eventOfExecution({ ...doc, status: 'RUNNING', end: null }).time).toBe(1);
  });
});
