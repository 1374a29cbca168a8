// Errors raised by the store: each names the file, the line (when known) and the field, so a message
// reads like `…/detections.jsonl:17: bbox[2]: must be in [0, 1]`.
import type { z } from 'zod';

type PathKey = PropertyKey;

/** `['bbox', 2]` → `bbox[2]`, `['stats', 'detections']` → `stats.detections`, `[]` → `(root)`. */
export function formatFieldPath(path: readonly PathKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out ? `.${String(key)}` : String(key);
  }
  return out || '(root)';
}

/** One problem found in a file. `line` is 1-based; undefined when the file has no useful line (binary). */
export interface StoreIssue {
  file: string;
  line?: number;
  field?: string;
  message: string;
}

export function formatIssue(i: StoreIssue): string {
  return [i.line !== undefined ? `${i.file}:${i.line}` : i.file, i.field, i.message].filter(Boolean).join(': ');
}

/** Bad content in an artifact (parse error, schema violation, broken invariant). */
export class StoreError extends Error {
  override name = 'StoreError';
  readonly issues: StoreIssue[];
  constructor(issues: StoreIssue | StoreIssue[]) {
    const list = Array.isArray(issues) ? issues : [issues];
    super(list.map(formatIssue).join('\n'));
    this.issues = list;
  }
  get file(): string {
    return this.issues[0]?.file ?? '';
  }
  get line(): number | undefined {
    return this.issues[0]?.line;
  }
}

/** Turns zod issues of one value into store issues (`lineOf` maps a field path to a line when it can). */
export function zodIssues(
  file: string,
  error: z.ZodError,
  lineOf: (path: readonly PathKey[]) => number | undefined,
): StoreIssue[] {
  return error.issues.map((iss) => ({
    file,
    line: lineOf(iss.path),
    field: formatFieldPath(iss.path),
    message: / received undefined$/.test(iss.message) ? `required field is missing (${iss.message})` : iss.message,
  }));
}

/** `message` with the workspace root cut from its paths: a client is told which file, not where the server keeps it. */
export const withoutRoot = (root: string, message: string) => message.split(`${root}/`).join('').split(root).join('<workspace>');
