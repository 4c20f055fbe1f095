/**
 * Where the scheduler and the api's services get the current time. One injectable clock, so a test
 * (or a simulation) can move time by providing another one; production uses the system's.
 */
export abstract class Clock {
  abstract now(): Date;
}

export class SystemClock extends Clock {
  now(): Date {
    return new Date();
  }
}
