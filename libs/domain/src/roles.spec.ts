import { accountPathCovers, rolesAllow, rolesWithin, tokenCovers } from './roles';

describe('roles', () => {
  it.each([
    ['AccountViewer', ['read']],
    ['ServerOperator', ['read', 'operate']],
    ['ServerAdmin', ['read', 'operate', 'manage']],
    ['AccountAdmin', ['read', 'operate', 'manage', 'administer']],
  ] as const)('%s may do exactly %j', (role, allowed) => {
    for (const permission of ['read', 'operate', 'manage', 'administer'] as const) {
      expect(rolesAllow([role], permission)).toBe((allowed as readonly string[]).includes(permission));
    }
  });

  it('grants the union of several roles', () => {
    expect(rolesAllow(['AccountViewer', 'ServerAdmin'], 'manage')).toBe(true);
    expect(rolesAllow([], 'read')).toBe(false);
  });

  it('lets a user grant its own roles and those below, never one above', () => {
    expect(rolesWithin(['AccountAdmin'], ['AccountAdmin', 'AccountViewer'])).toBe(true);
    expect(rolesWithin(['ServerAdmin'], ['ServerOperator', 'ServerAdmin'])).toBe(true);
    expect(rolesWithin(['ServerAdmin'], ['AccountAdmin'])).toBe(false);
    expect(rolesWithin(['AccountViewer', 'ServerOperator'], ['ServerAdmin'])).toBe(false);
    expect(rolesWithin(['SomethingOld'], ['AccountViewer'])).toBe(false);
    expect(rolesWithin([], ['AccountViewer'])).toBe(false);
  });

  it('covers the own account and those below, never above or beside', () => {
    expect(accountPathCovers('/DEMO/', '/DEMO/')).toBe(true);
    expect(accountPathCovers('/DEMO/', '/DEMO/A/B/')).toBe(true);
    expect(accountPathCovers('/DEMO/A/', '/DEMO/')).toBe(false);
    expect(accountPathCovers('/DEMO/A/', '/DEMO/B/')).toBe(false);
    // A prefix of the alias is not an ancestor: /DEMO/A/ does not cover /DEMO/AB/.
    expect(accountPathCovers('/DEMO/A/', '/DEMO/AB/')).toBe(false);
  });

  it("limits a run's token to the run's account, not the ones below it", () => {
    expect(tokenCovers({ path: '/DEMO/A/', runOnly: true }, '/DEMO/A/')).toBe(true);
    expect(tokenCovers({ path: '/DEMO/A/', runOnly: true }, '/DEMO/A/B/')).toBe(false);
    expect(tokenCovers({ path: '/DEMO/A/', runOnly: true }, '/DEMO/')).toBe(false);
    expect(tokenCovers({ path: '/DEMO/A/', runOnly: false }, '/DEMO/A/B/')).toBe(true);
  });
});
