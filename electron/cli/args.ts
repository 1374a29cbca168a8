// The shared front of the workspace commands (cluster, screentime, cleanup, cast): node:util parseArgs
// with --workspace/-w and --help/-h added, usage on --help (exit 0) or on missing arguments (exit 2),
// and one way to read a numeric option.
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { parseEpId } from '../../shared/episode';

const common = {
  workspace: { type: 'string', short: 'w' },
  help: { type: 'boolean', short: 'h' },
} as const;

type Options = NonNullable<ParseArgsConfig['options']>;
type Parsed<O extends Options> = ReturnType<typeof parseArgs<{ args: string[]; allowPositionals: true; options: typeof common & O }>>;

/** Prints usage and gives the exit code for a wrong call. */
export function usageError(usage: string): number {
  console.error(usage);
  return 2;
}

/**
 * Parses `<positionals…> --workspace <dir> [options]`. Returns an exit code when the command should
 * stop here (--help, fewer than `min` or more than `max` positionals, no --workspace).
 */
export function parseCommand<O extends Options>(args: string[], usage: string, options: O, positionals: { min: number; max?: number }) {
  const parsed = parseArgs({ args, allowPositionals: true, options: { ...common, ...options } }) as Parsed<O>;
  const values = parsed.values as { help?: boolean; workspace?: string };
  if (values.help) {
    console.log(usage);
    return 0;
  }
  const n = parsed.positionals.length;
  const workspace = values.workspace;
  const missing = n < positionals.min || parsed.positionals.slice(0, positionals.min).some((p) => !p);
  if (missing || n > (positionals.max ?? Infinity) || !workspace) return usageError(usage);
  return { ...parsed, workspace };
}

/** `<ep_id> --workspace <dir> [options]`; the ep_id is checked (parseEpId throws naming it). */
export function parseEpisodeCommand<O extends Options>(args: string[], usage: string, options: O) {
  const parsed = parseCommand(args, usage, options, { min: 1, max: 1 });
  if (typeof parsed === 'number') return parsed;
  const epId = parsed.positionals[0];
  parseEpId(epId);
  return { ...parsed, epId };
}

export interface NumberRange {
  min?: number;
  max?: number;
  integer?: boolean;
}

/** A numeric option (undefined when absent). */
export function numberOption(flag: string, raw: string | undefined, range: NumberRange = {}): number | undefined {
  return raw === undefined ? undefined : parseNumber(flag, raw, range);
}

/** The message names the accepted range, e.g. `--thresh must be a number in [-1, 1], got "x"`. */
export function parseNumber(flag: string, raw: string, range: NumberRange = {}): number {
  const { min, max, integer } = range;
  const v = Number(raw);
  const ok = raw.trim() !== '' && Number.isFinite(v) && (!integer || Number.isInteger(v)) && !(min !== undefined && v < min) && !(max !== undefined && v > max);
  if (ok) return v;
  const kind = integer ? 'an integer' : 'a number';
  const bound = min !== undefined && max !== undefined ? ` in [${min}, ${max}]` : min !== undefined ? ` ≥ ${min}` : max !== undefined ? ` ≤ ${max}` : '';
  throw new Error(`${flag} must be ${kind}${bound}, got "${raw}"`);
}
