import { canTransition, EXECUTION_STATUSES, isTerminal } from './execution-status';

describe('execution transitions', () => {
  it('follows the lifecycle of API.md', () => {
    for (const [from, to] of [
      ['PENDING', 'INITIALIZING'],
      ['INITIALIZING', 'RUNNING'],
      ['RUNNING', 'SUCCESS'],
      ['RUNNING', 'FAILURE'],
      ['INITIALIZING', 'INIT_FAILURE'],
      ['RUNNING', 'STOPPING'],
      ['STOPPING', 'STOPPED'],
      ['RUNNING', 'KILLING'],
      ['KILLING', 'KILLED'],
      ['PENDING', 'STOPPED'],
      ['FAILURE', 'PENDING'],
    ] as const) {
      expect(canTransition(from, to)).toBe(true);
    }
  });

  it('never leaves a terminal status except FAILURE → PENDING (restart)', () => {
    for (const from of EXECUTION_STATUSES.filter(isTerminal)) {
      for (const to of EXECUTION_STATUSES) {
        expect(canTransition(from, to)).toBe(from === 'FAILURE' && to === 'PENDING');
      }
    }
  });

  it('refuses shortcuts', () => {
    expect(canTransition('PENDING', 'RUNNING')).toBe(false);
    expect(canTransition('SUCCESS', 'PENDING')).toBe(false);
    expect(canTransition('STOPPED', 'PENDING')).toBe(false);
    expect(canTransition('RUNNING', 'PENDING')).toBe(false);
  });
});
