// Child process for atomic.test.ts: rewrites one large file over and over through writeStreamAtomic
// until killed. Each version is self-describing: an 8-byte header (version, length) then `length`
// bytes of (version & 0xff), so the test can tell a complete version from a torn one.
// Modes: "run" writes forever, printing `done <v>` after each; "pause" prints `mid 2` half-way through
// version 2 and then waits, so the parent's SIGKILL lands inside a write for certain.
import { writeStreamAtomic } from '../electron/store/atomic';

const [path, sizeArg, mode] = process.argv.slice(2);
const size = Number(sizeArg);
const CHUNKS = 16;

for (let v = 1; ; v++) {
  await writeStreamAtomic(path, async (write) => {
    const head = Buffer.alloc(8);
    head.writeUInt32LE(v, 0);
    head.writeUInt32LE(size, 4);
    await write(head);
    const chunk = Buffer.alloc(size / CHUNKS, v & 0xff);
    for (let c = 0; c < CHUNKS; c++) {
      await write(chunk);
      if (mode === 'pause' && v === 2 && c === CHUNKS / 2) {
        process.stdout.write('mid 2\n');
        setInterval(() => undefined, 1000);
        await new Promise(() => undefined);
      }
    }
  });
  process.stdout.write(`done ${v}\n`);
}
