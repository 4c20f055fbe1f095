/**
 * The shapes of the command line grammar: how a command and its options are declared (the table
 * is command-table.ts) and what parsing one gives (args.ts). Types only.
 */

export interface OptionSpec {
  type: 'string' | 'boolean';
  short?: string;
  multiple?: boolean;
  /** Shown in help, e.g. `--file FILE`. */
  hint?: string;
  description: string;
  /** Must be a whole number (validated here, returned as a string). */
  integer?: { min: number; max: number };
  /** Must be one of these (validated here; also what shell completion offers). */
  choices?: readonly string[];
  /** Its value is a file name (shell completion offers files). */
  file?: boolean;
}

export interface CommandSpec {
  /** `jobs list`, `run`, … */
  name: string;
  /** Positional arguments in order; a trailing `?` marks an optional one. */
  args: string[];
  /** The values a positional argument may take, by name (validated here; offered by completion). */
  argChoices?: Record<string, readonly string[]>;
  options: Record<string, OptionSpec>;
  /** Options that must be given. */
  required?: string[];
  summary: string;
}

export type OptionValues = Record<string, string | boolean | string[] | undefined>;

export interface ParsedCommand {
  /** A name from COMMANDS, or `help`. */
  command: string;
  /** Positional arguments by name (JOB, EXECUTION, …). */
  args: Record<string, string | undefined>;
  options: OptionValues;
}
