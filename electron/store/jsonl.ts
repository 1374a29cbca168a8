// JSON Lines: a streaming, validating reader and an all-or-nothing writer.
import { createReadStream } from 'node:fs';
import type { z } from 'zod';
import { writeStreamAtomic } from './atomic';
import { StoreError, type StoreIssue, zodIssues } from './errors';

export interface JsonlReadOptions {
  /**
   * What to do with a last line that has no trailing newline and does not parse (a torn append).
   * 'error' (default) for artifacts, which are written atomically and so are never legitimately torn;
   * 'ignore' for append-only logs, whose last entry may have been cut by a crash.
   */
  tornTail?: 'error' | 'ignore';
  /**
   * Called for each bad line instead of throwing; the line is skipped. Lets the validator collect
   * every problem of a file in one pass.
   */
  onInvalid?: (issue: StoreIssue[]) => void;
}

/** A validated row and its 1-based line number. */
export interface JsonlRow<T> {
  line: number;
  value: T;
}

const NL = 0x0a;
const decoder = new TextDecoder('utf-8', { fatal: true });

/** Splits a byte stream into lines; reports whether the final line was newline-terminated. */
async function* rawLines(path: string): AsyncGenerator<{ bytes: Buffer; terminated: boolean }> {
  let carry: Buffer = Buffer.alloc(0);
  for await (const chunk of createReadStream(path) as AsyncIterable<Buffer>) {
    let buf = carry.length ? Buffer.concat([carry, chunk]) : chunk;
    let start = 0;
    for (let i = buf.indexOf(NL, start); i !== -1; i = buf.indexOf(NL, start)) {
      yield { bytes: buf.subarray(start, i), terminated: true };
      start = i + 1;
    }
    carry = Buffer.from(buf.subarray(start));
    buf = carry;
  }
  if (carry.length) yield { bytes: carry, terminated: false };
}

/**
 * Streams `path`, parsing and validating each line with `schema`. Yields `{line, value}` (value is the
 * schema's output, with defaults applied). Throws StoreError `file:line: field: message` on the first
 * bad line (unless `onInvalid` is given). Empty lines are errors; so is a torn last line.
 */
export async function* readJsonlRows<S extends z.ZodType>(
  path: string,
  schema: S,
  opts: JsonlReadOptions = {},
): AsyncGenerator<JsonlRow<z.output<S>>> {
  let line = 0;
  const fail = (issues: StoreIssue[]) => {
    if (opts.onInvalid) opts.onInvalid(issues);
    else throw new StoreError(issues);
  };
  for await (const { bytes, terminated } of rawLines(path)) {
    line++;
    let text: string;
    try {
      text = decoder.decode(bytes);
    } catch {
      fail([{ file: path, line, message: 'not valid UTF-8' }]);
      continue;
    }
    if (text.endsWith('\r')) text = text.slice(0, -1);
    if (text.trim() === '') {
      fail([{ file: path, line, message: 'empty line (JSON Lines needs one JSON object per line)' }]);
      continue;
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (err) {
      if (!terminated) {
        if (opts.tornTail === 'ignore') return;
        fail([{ file: path, line, message: `truncated last line (no trailing newline and not valid JSON: ${(err as Error).message})` }]);
      } else {
        fail([{ file: path, line, message: `not valid JSON (${(err as Error).message})` }]);
      }
      continue;
    }
    const parsed = schema.safeParse(json);
    if (!parsed.success) {
      fail(zodIssues(path, parsed.error, () => line));
      continue;
    }
    yield { line, value: parsed.data };
  }
}

/** Streams the validated values of `path` (see `readJsonlRows`). */
export async function* readJsonlStream<S extends z.ZodType>(
  path: string,
  schema: S,
  opts: JsonlReadOptions = {},
): AsyncGenerator<z.output<S>> {
  for await (const row of readJsonlRows(path, schema, opts)) yield row.value;
}

/** Reads and validates every line of `path` into an array. Throws StoreError on the first bad line. */
export async function readJsonl<S extends z.ZodType>(
  path: string,
  schema: S,
  opts: JsonlReadOptions = {},
): Promise<z.output<S>[]> {
  const out: z.output<S>[] = [];
  for await (const v of readJsonlStream(path, schema, opts)) out.push(v);
  return out;
}

/**
 * Validates EVERY row with `schema` first (errors name the line the row would have had), then writes
 * `path` atomically, one compact JSON object per line. Nothing on disk changes if any row is invalid.
 * Writes the schema's output (defaults applied). Returns the number of rows written.
 */
export async function writeJsonl<S extends z.ZodType>(
  path: string,
  rows: Iterable<z.input<S>>,
  schema: S,
): Promise<number> {
  const lines: string[] = [];
  const issues: StoreIssue[] = [];
  let n = 0;
  for (const row of rows) {
    n++;
    const parsed = schema.safeParse(row);
    if (!parsed.success) {
      const line = n;
      issues.push(...zodIssues(path, parsed.error, () => line));
      if (issues.length >= 20) break;
      continue;
    }
    lines.push(JSON.stringify(parsed.data));
  }
  if (issues.length) throw new StoreError(issues.map((i) => ({ ...i, message: `refusing to write: ${i.message}` })));
  await writeStreamAtomic(path, async (write) => {
    // Batch lines so a million-row file is a few hundred writes, not a million.
    const BATCH = 2048;
    for (let i = 0; i < lines.length; i += BATCH) await write(lines.slice(i, i + BATCH).join('\n') + '\n');
  });
  return lines.length;
}
