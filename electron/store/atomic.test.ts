import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFile, readdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { appendFileDurable, isTempFile, moveFile, removeStaleTempFiles, writeFileAtomic, writeFileSynced, writeStreamAtomic } from './atomic';
import { tempDir } from '../../test-support/tmp';

const here = dirname(fileURLToPath(import.meta.url));
const tmp = () => tempDir('atomic-test-');

/** A complete version written by the child: header (version, length) + length bytes of version & 0xff. */
function checkComplete(buf: Buffer, size: number): number {
  assert.ok(buf.length >= 8, `file too short (${buf.length} bytes)`);
  const v = buf.readUInt32LE(0);
  assert.equal(buf.readUInt32LE(4), size, 'length field');
  assert.equal(buf.length, 8 + size, `version ${v} is torn: ${buf.length} bytes`);
  const fill = v & 0xff;
  for (let i = 8; i < buf.length; i++) if (buf[i] !== fill) assert.fail(`version ${v} is torn at byte ${i}`);
  return v;
}

/** Starts the writer child and SIGKILLs it once its stdout contains `when`; resolves after it died. */
async function killWhen(file: string, size: number, mode: 'run' | 'pause', when: string): Promise<void> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(here, '../../test-support/atomic-writer-child.ts'), file, String(size), mode], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const died = new Promise<NodeJS.Signals | null>((r) => child.once('exit', (_code, signal) => r(signal)));
  let out = '';
  child.stdout.on('data', (d: Buffer) => {
    out += d.toString();
    if (out.includes(when)) child.kill('SIGKILL');
  });
  assert.equal(await died, 'SIGKILL', `child must be killed (stdout: ${JSON.stringify(out)})`);
}

test('SIGKILL in the middle of a large write leaves the old complete file', async () => {
  const dir = await tmp();
  const file = join(dir, 'big.bin');
  const size = 16 << 20;
  await killWhen(file, size, 'pause', 'mid 2\n');
  assert.equal(checkComplete(await readFile(file), size), 1, 'the old version survives');
  const temps = (await readdir(dir)).filter(isTempFile);
  assert.equal(temps.length, 1, 'the killed write left its temp file');
  const partial = await readFile(join(dir, temps[0]));
  assert.ok(partial.length < 8 + size, 'the temp file is the torn half-write');
  assert.deepEqual(await removeStaleTempFiles(dir), temps);
  assert.deepEqual(await readdir(dir), ['big.bin']);
});

test('SIGKILL at an arbitrary moment of repeated large writes never leaves a torn file', async () => {
  const dir = await tmp();
  const file = join(dir, 'big.bin');
  const size = 16 << 20;
  for (const after of [1, 3]) {
    await killWhen(file, size, 'run', `done ${after}\n`);
    assert.ok(checkComplete(await readFile(file), size) >= after);
  }
});

test('a writer that fails half-way leaves the old file and no temp file', async () => {
  const dir = await tmp();
  const file = join(dir, 'a.txt');
  await writeFileAtomic(file, 'old\n');
  await assert.rejects(
    writeStreamAtomic(file, async (write) => {
      await write('new partial');
      throw new Error('boom');
    }),
    /boom/,
  );
  assert.equal(await readFile(file, 'utf8'), 'old\n');
  assert.deepEqual(await readdir(dir), ['a.txt']);
});

test('writeFileAtomic creates parent folders and replaces content; appendFileDurable appends', async () => {
  const dir = await tmp();
  const file = join(dir, 'x/y/z.json');
  await writeFileAtomic(file, '{"a":1}');
  await writeFileAtomic(file, new TextEncoder().encode('{"a":2}'));
  assert.equal(await readFile(file, 'utf8'), '{"a":2}');
  const log = join(dir, 'journal/j.jsonl');
  await appendFileDurable(log, '1\n');
  await appendFileDurable(log, '2\n');
  assert.equal(await readFile(log, 'utf8'), '1\n2\n');
  // A dead writer's temp file goes (9999999 is above Linux's largest pid); a live writer's (ours) stays.
  await writeFile(join(dir, 'x/y/.z.json.tmp-9999999-abc'), 'junk');
  await writeFile(join(dir, `x/y/.z.json.tmp-${process.pid}-abc`), 'in progress');
  assert.deepEqual(await removeStaleTempFiles(join(dir, 'x/y')), ['.z.json.tmp-9999999-abc']);
  assert.equal(await readFile(join(dir, `x/y/.z.json.tmp-${process.pid}-abc`), 'utf8'), 'in progress');
});

test('writeFileSynced + moveFile: the scratch file replaces the destination (parents made) and is gone', async () => {
  const dir = await tmp();
  await writeFileSynced(join(dir, 'stage/1.jpg'), 'new crop');
  await writeFileAtomic(join(dir, 'crops/t1/f.jpg'), 'old crop');
  await moveFile(join(dir, 'stage/1.jpg'), join(dir, 'crops/t1/f.jpg'));
  await writeFileSynced(join(dir, 'stage/2.jpg'), new TextEncoder().encode('other'));
  await moveFile(join(dir, 'stage/2.jpg'), join(dir, 'crops/t2/g.jpg'));
  assert.equal(await readFile(join(dir, 'crops/t1/f.jpg'), 'utf8'), 'new crop');
  assert.equal(await readFile(join(dir, 'crops/t2/g.jpg'), 'utf8'), 'other');
  assert.deepEqual(await readdir(join(dir, 'stage')), []);
  await assert.rejects(moveFile(join(dir, 'stage/missing.jpg'), join(dir, 'crops/t1/f.jpg')), /ENOENT/);
  assert.equal(await readFile(join(dir, 'crops/t1/f.jpg'), 'utf8'), 'new crop', 'a failed move leaves the destination');
});
