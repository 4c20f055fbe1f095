import { stringify as toYaml } from 'yaml';
import { ApiClient } from './api-client';
import type { OptionValues } from './command-spec';
import { OUTPUT_FORMATS } from './command-table';
import { configPath, Connection, readConfig, resolveConnection, StoredConfig } from './config';
import { CliError, EXIT, ExitCode } from './exit-codes';
import { Column, pageNote, Paged, tableOf } from './format';
import { promptPassword, readStdin, Screen } from './terminal';

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

  /** `--output table|json|yaml`; `--json` is `--output json`. */
  get output(): OutputFormat {
    const given = this.string('output');
    return given === 'json' || given === 'yaml' ? given : this.options.json === true ? 'json' : 'table';
  }

  /** Output for programs (JSON or YAML) rather than for people. */
  get machine(): boolean {
    return this.output !== 'table';
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

  /** `?page=N&size=N` from --page and --size (the CLI's default page is 20). */
  pageQuery(): string {
    return `?page=${this.string('page') ?? 0}&size=${this.string('size') ?? 20}`;
  }

  /**
   * A secret for a resource (a user's or service account's password): from standard input with
   * --password-stdin, else a no-echo prompt. Never from argv, where `ps` would show it.
   */
  async secret(prompt: string): Promise<string> {
    const fromStdin = this.options['password-stdin'] === true;
    if (!fromStdin && !process.stdin.isTTY) throw new CliError(EXIT.usage, 'No password: there is no terminal to ask on. Use --password-stdin.');
    const value = fromStdin ? (await readStdin()).replace(/\r?\n$/, '') : await promptPassword(prompt);
    if (!value) throw new CliError(EXIT.usage, 'The password is empty.');
    return value;
  }

  arg(name: string): string {
    return this.args[name] ?? '';
  }

  /** The result of a command: the API's document as JSON or YAML, else the human lines. */
  print(data: unknown, human: () => string[]): void {
    if (this.output === 'table') for (const line of human()) this.screen.line(line);
    else process.stdout.write(this.output === 'json' ? JSON.stringify(data, null, 2) + '\n' : toYaml(data));
  }

  /** A list answer: the API's document for programs; for people a table (and which page) or `empty`. */
  printList<T = any>(answer: unknown, empty: string, columns: Column<T>[]): void {
    const rows = itemsOf<T>(answer);
    const paging = Array.isArray(answer) ? [] : pageNote(answer as Paged);
    this.print(answer, () => (rows.length === 0 ? [empty] : [...tableOf(rows, columns), ...paging]));
  }

  /** One object of a stream (records while following): a JSON line, or a YAML document. */
  record(data: unknown): void {
    process.stdout.write(this.output === 'yaml' ? `---\n${toYaml(data)}` : JSON.stringify(data) + '\n');
  }

  note(text: string): void {
    process.stderr.write(text + '\n');
  }
}

export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

export type Command = (context: Context) => Promise<ExitCode | void>;

/** The items of a list answer, paged (`{results}`) or plain (an array). */
export function itemsOf<T = any>(answer: unknown): T[] {
  if (Array.isArray(answer)) return answer as T[];
  const results = (answer as { results?: unknown } | null)?.results;
  return Array.isArray(results) ? (results as T[]) : [];
}
