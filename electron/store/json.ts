// Single-object JSON artifacts: validating reader (errors carry the line of the offending field) and
// atomic, validate-first writer.
import { readFile } from 'node:fs/promises';
import { findNodeAtLocation, parseTree, type Node as JsonNode } from 'jsonc-parser';
import type { z } from 'zod';
import { writeFileAtomic } from './atomic';
import { StoreError, zodIssues } from './errors';

function lineAt(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

/** Line of the deepest existing node on `path` (a missing field points at its parent object). */
function lineOfPath(text: string, tree: JsonNode | undefined, path: readonly PropertyKey[]): number | undefined {
  if (!tree) return undefined;
  for (let n = path.length; n >= 0; n--) {
    const segs = path.slice(0, n).filter((k): k is string | number => typeof k !== 'symbol');
    const node = findNodeAtLocation(tree, segs);
    if (node) return lineAt(text, node.offset);
  }
  return undefined;
}

/** Parses and validates JSON text that came from `file` (used for error messages only). */
export function parseJsonText<S extends z.ZodType>(file: string, text: string, schema: S): z.output<S> {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    const m = /position (\d+)/.exec((err as Error).message);
    const line = m ? lineAt(text, Number(m[1])) : undefined;
    throw new StoreError({ file, line, message: `not valid JSON (${(err as Error).message})` });
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    const tree = parseTree(text);
    throw new StoreError(zodIssues(file, parsed.error, (p) => lineOfPath(text, tree, p)));
  }
  return parsed.data;
}

/** Reads `path` and validates it with `schema`; throws StoreError `file:line: field: message`. */
export async function readJson<S extends z.ZodType>(path: string, schema: S): Promise<z.output<S>> {
  const bytes = await readFile(path);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new StoreError({ file: path, message: 'not valid UTF-8' });
  }
  return parseJsonText(path, text, schema);
}

/** Serialises the way `writeJson` does (2-space indent, trailing newline) so lines in errors are useful. */
export function stringifyJson(value: unknown): string {
  return JSON.stringify(value, null, 2) + '\n';
}

/**
 * Validates `value` with `schema`, then writes it atomically (pretty-printed). Nothing on disk changes
 * if validation fails. Writes the schema's output (defaults applied) and returns it.
 */
export async function writeJson<S extends z.ZodType>(path: string, value: z.input<S>, schema: S): Promise<z.output<S>> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const issues = zodIssues(path, parsed.error, () => undefined);
    throw new StoreError(issues.map((i) => ({ ...i, message: `refusing to write: ${i.message}` })));
  }
  await writeFileAtomic(path, stringifyJson(parsed.data));
  return parsed.data;
}
