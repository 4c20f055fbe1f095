import { Foundation1732300000000 } from './1732300000000-foundation';

/** Every migration, in order. Listed by hand (no globs) so the same list works compiled and under ts-jest. */
export const MIGRATIONS = [Foundation1732300000000];
