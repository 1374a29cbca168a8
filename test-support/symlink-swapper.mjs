// Child process for media-race.test.ts: flips `target` as fast as it can until killed, each flip an
// atomic rename so the path always exists:
//   file mode: a regular file inside the workspace ↔ a symlink to a file outside it
//   dir mode:  a symlink to a directory inside the workspace ↔ a symlink to a directory outside it
// Prints "ready" after the first flip.
import { copyFileSync, renameSync, rmSync, symlinkSync } from 'node:fs';

const [mode, target, inside, outside] = process.argv.slice(2);
const tmp = `${target}.swap`;
for (let flips = 0; ; flips++) {
  rmSync(tmp, { force: true });
  symlinkSync(outside, tmp);
  renameSync(tmp, target);
  if (flips === 0) process.stdout.write('ready\n');
  rmSync(tmp, { force: true });
  if (mode === 'dir') symlinkSync(inside, tmp);
  else copyFileSync(inside, tmp);
  renameSync(tmp, target);
}
