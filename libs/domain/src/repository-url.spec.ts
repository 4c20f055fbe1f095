import { repositoryHost, repositoryUrlProblem } from './repository-url';

describe('repositoryUrlProblem', () => {
  it.each([
    'https://git.example.com/team/playbooks.git',
    'http://127.0.0.1:8080/repo.git',
    'ssh://git@git.example.com:2222/team/playbooks.git',
    'git@github.com:team/playbooks.git',
  ])('allows %s', (url) => expect(repositoryUrlProblem(url)).toBeNull());

  it.each([
    ['file:///srv/data/git-mirrors/abc', /file:\/\//],
    ['/srv/data/git-mirrors/abc', /local paths/],
    ['../other', /local paths/],
    ['ext::sh -c touch% /tmp/pwned', /spaces/],
    ['ext::sh', /transports/],
    ['git://git.example.com/repo.git', /transports/],
    ["ssh://-oProxyCommand=touch%20x/repo", /with "-"/],
    ['-oProxyCommand=x@host:repo', /with "-"/],
    ['git@-oProxyCommand=x:repo', /with "-"/],
    ['git@host:-upload-pack=x', /with "-"/],
    ['ssh://-user@host/repo', /with "-"/],
    ['https://user:token@git.example.com/repo.git', /repository\.credentials/],
    ['https://token@git.example.com/repo.git', /repository\.credentials/],
    ['ssh://git:secret@host/repo', /repository\.credentials/],
    ['https://host/repo\u0000', /control characters/],
  ])('refuses %s', (url, problem) => expect(repositoryUrlProblem(url)).toMatch(problem));

  it('names the host of an allowed URL as ssh records it', () => {
    expect(repositoryHost('https://git.example.com/team/playbooks.git')).toBe('git.example.com');
    expect(repositoryHost('ssh://git@[fd00::7]:2222/repo.git')).toBe('fd00::7');
    expect(repositoryHost('git@github.com:team/playbooks.git')).toBe('github.com');
  });
});
