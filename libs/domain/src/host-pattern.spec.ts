import { limitProblem, runLimit, splitHostPattern } from './host-pattern';

describe('host patterns', () => {
  it('splits like Ansible: on commas if any, else on colons, IPv6 addresses whole', () => {
    expect(splitHostPattern('web:db:!web-3')).toEqual(['web', 'db', '!web-3']);
    expect(splitHostPattern('web, db ,&prod')).toEqual(['web', 'db', '&prod']);
    expect(splitHostPattern('fd00::1')).toEqual(['fd00::1']);
    expect(splitHostPattern('fd00::1,web')).toEqual(['fd00::1', 'web']);
  });

  it.each(['web-1', 'web*:!web-3', 'App_Servers,&WA1', 'all', 'fd00::1,web'])('allows the limit %s', (limit) => {
    expect(limitProblem(limit)).toBeNull();
  });

  it.each(['@/etc/passwd', '~web.*', 'h[0:99999999]', 'web,@hosts.txt', 'a b', ',', 'web;id'])('refuses the limit %s', (limit) => {
    expect(limitProblem(limit)).not.toBeNull();
  });

  it('narrows a job limit to the selected hosts with one intersection at the end', () => {
    expect(runLimit(undefined, undefined)).toBeUndefined();
    expect(runLimit('web-1', undefined)).toBe('web-1');
    expect(runLimit(undefined, 'sel')).toBe('&sel');
    expect(runLimit('web-1:web-2:!web-3', 'sel')).toBe('web-1,web-2,!web-3,&sel');
  });
});
