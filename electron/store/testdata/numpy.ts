// Runs real numpy (python3) in tests: the reference client for our .npy files.
import { execFileSync } from 'node:child_process';

/** Runs a Python snippet with numpy imported as np; returns stdout parsed as JSON. */
export function numpy<T = unknown>(code: string, args: string[] = []): T {
  const out = execFileSync('python3', ['-c', `import sys, json\nimport numpy as np\n${code}`, ...args], { encoding: 'utf8' });
  return JSON.parse(out) as T;
}
