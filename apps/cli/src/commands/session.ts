import { ApiClient } from '../api-client';
import { normalizeUrl, writeConfig } from '../config';
import { Command } from '../context';
import { CliError, EXIT, usageError } from '../exit-codes';
import { promptPassword, readStdin } from '../terminal';

interface LoginAnswer {
  userName: string;
  accountAlias: string;
  roles: string[];
  bearerToken: string;
}

/** `login`: the token is written only to the 0600 config file, never printed. */
export const login: Command = async (ctx) => {
  const stored = ctx.config();
  const given = ctx.string('url') ?? ctx.env.AUTOMATION_RUNNER_URL ?? stored.url;
  if (!given) throw usageError('Missing --url: the server to log in to, e.g. --url http://localhost:8080');
  const url = normalizeUrl(given);
  const username = ctx.string('username')!;
  const password =
    ctx.options['password-stdin'] === true
      ? (await readStdin()).replace(/\r?\n$/, '')
      : (ctx.env.AUTOMATION_RUNNER_PASSWORD ?? (await promptPassword(`Password for ${username} at ${url}: `)));
  if (!password) throw usageError('The password is empty.');

  let answer: LoginAnswer;
  try {
    answer = await new ApiClient(url).post<LoginAnswer>('/v2/authentication/login', { username, password });
  } catch (error) {
    // Bad credentials are a 400 in the API; for the CLI they are an authentication failure.
    if (error instanceof CliError && (error.status === 400 || error.status === 429)) {
      throw new CliError(EXIT.auth, `Login failed: ${error.message.replace(/^The server refused the request \(\d+\): /, '')}`);
    }
    throw error;
  }
  writeConfig(ctx.configFile, { url, accountAlias: answer.accountAlias, username: answer.userName, token: answer.bearerToken });
  ctx.print({ url, userName: answer.userName, accountAlias: answer.accountAlias, roles: answer.roles, configFile: ctx.configFile }, () => [
    `Logged in to ${url} as ${answer.userName} (account ${answer.accountAlias}, roles ${answer.roles.join(', ')}).`,
    `The token is kept in ${ctx.configFile} (mode 0600).`,
  ]);
  if (ctx.env.AUTOMATION_RUNNER_TOKEN) ctx.note('Note: AUTOMATION_RUNNER_TOKEN is set and takes precedence over this login.');
};

/** `logout`: revokes the token on the server and removes it from the config file. */
export const logout: Command = async (ctx) => {
  const stored = ctx.config();
  if (!stored.token) {
    ctx.print({ loggedOut: false }, () => ['Not logged in.']);
    return;
  }
  try {
    await new ApiClient(normalizeUrl(stored.url ?? ''), stored.token).post('/v2/authentication/logout');
  } catch (error) {
    // A token the server no longer accepts is as good as revoked; anything else is worth saying.
    if (!(error instanceof CliError && error.status === 401)) {
      ctx.note(`The server could not revoke the token (${(error as Error).message}); it is removed here anyway.`);
    }
  }
  const { token: _revoked, ...rest } = stored;
  writeConfig(ctx.configFile, rest);
  ctx.print({ loggedOut: true }, () => [`Logged out of ${stored.url}.`]);
};
