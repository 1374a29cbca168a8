// Runs real numpy (python3) in tests: the reference client for our .npy files.
import { execFileSync } from 'node:child_process';

/** The interpreter with numpy: SCREENALYTICS_PYTHON (set by .ci/run when it installs Debian's python3-numpy) or python3. */
export const PYTHON = process.env.SCREENALYTICS_PYTHON || 'python3';

/** Runs a Python snippet with numpy imported as np; returns stdout parsed as JSON. */
export function numpy<T = unknown>(code: string, args: string[] = []): T {
  const out = execFileSync(PYTHON, ['-c', `import sys, json\nimport numpy as np\n${code}`, ...args], { encoding: 'utf8' });
  return JSON.parse(out) as T;
}
