import type { TokenStanding } from '@app/database';
import { whyAuthorityEnded } from './authority';

const now = new Date('2025-01-01T00:00:00Z');
const standing = (change: Partial<TokenStanding> = {}): TokenStanding => ({
  tokenHash: Buffer.alloc(32),
  revokedAt: null,
  expiresAt: new Date(now.getTime() + 60_000),
  roles: ['AccountViewer'],
  ...change,
});

describe('whyAuthorityEnded', () => {
  it('lets a live token of a user who may read go on', () => {
    expect(whyAuthorityEnded(standing(), now)).toBeNull();
    expect(whyAuthorityEnded(standing({ roles: ['ServerOperator', 'SomethingOld'] }), now)).toBeNull();
  });

  it('names each way the authority ends', () => {
    expect(whyAuthorityEnded(undefined, now)).toBe('user deleted');
    expect(whyAuthorityEnded(standing({ revokedAt: now }), now)).toBe('token revoked');
    expect(whyAuthorityEnded(standing({ expiresAt: now }), now)).toBe('token expired');
    expect(whyAuthorityEnded(standing({ roles: [] }), now)).toBe('role no longer allows this subscription');
    expect(whyAuthorityEnded(standing({ roles: ['Unknown'] }), now)).toBe('role no longer allows this subscription');
  });
});
