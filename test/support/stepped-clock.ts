import { Clock } from '@app/domain';

/** A Clock a test sets and moves: what the code under test takes for "now". */
export class SteppedClock extends Clock {
  constructor(public ms = Date.parse('2026-01-01T00:00:00Z')) {
    super();
  }

  now(): Date {
    return new Date(this.ms);
  }

  advance(ms: number): void {
    this.ms += ms;
  }
}
