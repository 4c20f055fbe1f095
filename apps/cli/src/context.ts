import { ApiClient } from './api-client';
import { OptionValues } from './args';
import { configPath, Connection, readConfig, resolveConnection, StoredConfig } from './config';
import { CliError, EXIT, ExitCode } from './exit-codes';
import { Screen } from './terminal';

/** What every command gets: its arguments, the connection, and the ways to print. */
export class Context {
  readonly configFile: string;
  readonly screen = new Screen(process.stdout);
  private stored?: StoredConfig;

  constructor(
    readonly args: Record<string, string | undefined>,
    readonly options: OptionValues,
    readonly env: NodeJS.ProcessEnv = process.env,
  ) {
    this.configFile = configPath(env);
  }

  get json(): boolean {
    return this.options.json === true;
  }

  config(): StoredConfig {
    return (this.stored ??= readConfig(this.configFile));
  }

  connection(): Connection {
    return resolveConnection({ url: this.string('url'), account: this.string('account') }, this.env, this.config());
  }

  /** A client with the token; refuses to go on without one. */
  api(): ApiClient {
    const connection = this.connection();
    if (!connection.token) {
      throw new CliError(EXIT.auth, 'Not logged in: run "automation-runner login --username USER" (or set AUTOMATION_RUNNER_TOKEN).');
    }
    return new ApiClient(connection.url, connection.token);
  }

  token(): string {
    return this.connection().token ?? '';
  }

  alias(): string {
    const alias = this.connection().accountAlias;
    if (!alias) throw new CliError(EXIT.usage, 'No account alias: pass --account ALIAS or set AUTOMATION_RUNNER_ACCOUNT.');
    return alias;
  }

  string(name: string): string | undefined {
    const value = this.options[name];
    return typeof value === 'string' ? value : undefined;
  }

  list(name: string): string[] {
    const value = this.options[name];
    return Array.isArray(value) ? value : [];
  }

  arg(name: string): string {
    return this.args[name] ?? '';
  }

  /** The result of a command: the API's JSON with --json, else the human lines. */
  print(data: unknown, human: () => string[]): void {
    if (this.json) process.stdout.write(JSON.stringify(data, null, 2) + '\n');
    else for (const line of human()) this.screen.line(line);
  }

  /** One JSON object per line (records while following). */
  jsonLine(data: unknown): void {
    process.stdout.write(JSON.stringify(data) + '\n');
  }

  note(text: string): void {
    process.stderr.write(text + '\n');
  }
}

export type Command = (context: Context) => Promise<ExitCode | void>;
