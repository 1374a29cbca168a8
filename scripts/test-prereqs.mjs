// What the selected tests need from the machine beyond node_modules, installed the way .ci/run always
// did: headless Chromium (e2e), python3 with numpy (the reference .npy client) and redis-server (queue
// tests). As root with apt-get (a fresh Debian machine or CI) the missing ones are installed; otherwise
// the run stops with the command to type. Only what the selected test files use is checked.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';

const onPath = (cmd, env = process.env) => (env.PATH ?? '').split(delimiter).some((d) => d && existsSync(join(d, cmd)));
const hasNumpy = (python) => spawnSync(python, ['-c', 'import numpy'], { stdio: 'ignore' }).status === 0;

/** Each prerequisite: which test files need it, whether it is there, and the Debian packages that provide it. */
function prerequisites(env) {
  const chromium = env.CHROMIUM_PATH ?? '/usr/bin/chromium';
  return [
    { name: `Chromium (${chromium})`, needed: (f, text) => f.startsWith('e2e/') || /launchBrowser|CHROMIUM_PATH/.test(text), present: () => existsSync(chromium), packages: ['chromium'] },
    {
      name: 'python3 with numpy',
      needed: (_f, text) => /test-support\/numpy|\bnumpy\b/.test(text),
      // Debian's /usr/bin/python3 has python3-numpy even when another python3 comes first on PATH.
      present: () => {
        if (hasNumpy(env.SCREENALYTICS_PYTHON || 'python3')) return true;
        if (!hasNumpy('/usr/bin/python3')) return false;
        env.SCREENALYTICS_PYTHON = '/usr/bin/python3';
        return true;
      },
      packages: ['python3', 'python3-numpy'],
    },
    { name: 'redis-server', needed: (_f, text) => /redis-server/.test(text), present: () => onPath('redis-server', env), packages: ['redis-server'] },
  ];
}

/**
 * Makes sure the prerequisites of `files` (repo-relative) are present, installing them with apt-get when
 * running as root; returns the environment the tests run with. Exits the process with a message otherwise.
 */
export function ensurePrerequisites(root, files, env = { ...process.env }) {
  const texts = files.map((f) => [f, readFileSync(join(root, f), 'utf8')]);
  const missing = prerequisites(env).filter((p) => texts.some(([f, t]) => p.needed(f, t)) && !p.present());
  if (!missing.length) return env;
  const packages = [...new Set(missing.flatMap((p) => p.packages))];
  const command = `apt-get update && apt-get install -y --no-install-recommends ${packages.join(' ')}`;
  const canInstall = process.getuid?.() === 0 && onPath('apt-get', env) && env.SCREENALYTICS_NO_INSTALL !== '1';
  if (!canInstall) {
    console.error(`run-tests: missing ${missing.map((p) => p.name).join(', ')}.\nInstall with:\n  sudo ${command}\n(or run the tests as root: they install it themselves, as .ci/run does)`);
    process.exit(1);
  }
  console.error(`run-tests: installing ${packages.join(', ')} (missing: ${missing.map((p) => p.name).join(', ')})`);
  const aptEnv = { ...env, DEBIAN_FRONTEND: 'noninteractive' };
  for (const args of [['update'], ['install', '-y', '--no-install-recommends', ...packages]]) {
    const r = spawnSync('apt-get', args, { stdio: 'inherit', env: aptEnv });
    if (r.status !== 0) {
      console.error(`run-tests: \`apt-get ${args.join(' ')}\` failed (exit ${r.status}); install by hand: ${command}`);
      process.exit(1);
    }
  }
  const still = missing.filter((p) => !p.present());
  if (still.length) {
    console.error(`run-tests: still missing after installing: ${still.map((p) => p.name).join(', ')}`);
    process.exit(1);
  }
  return env;
}
