// Preloaded (node --import) into a `screenalytics serve` child by crash.test.ts: the Nth rename onto a
// cast.json (SCREENALYTICS_TEST_PAUSE_CAST_SAVE=N) never happens; the process prints `mid-save` and
// waits, so the test's SIGKILL lands between the cast library's npy and json renames every time.
import fsp from 'node:fs/promises';
import { syncBuiltinESMExports } from 'node:module';

const n = Number(process.env.SCREENALYTICS_TEST_PAUSE_CAST_SAVE ?? 0);
let seen = 0;
const rename = fsp.rename;
fsp.rename = async (from, to) => {
  if (n > 0 && String(to).endsWith('/cast.json') && ++seen === n) {
    process.stdout.write('mid-save\n');
    await new Promise(() => setInterval(() => undefined, 1000));
  }
  return rename(from, to);
};
syncBuiltinESMExports();
