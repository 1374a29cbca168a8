// NumPy .npy files (format spec: numpy.lib.format, versions 1.0/2.0/3.0), float32 little-endian,
// C order only: the one dtype the pipeline stores. Hand-written because the npm readers we found
// (npyjs and friends) do not check headers against the data length nor write v1 headers numpy accepts
// byte-for-byte; the format is small enough to implement exactly.
import { readFile } from 'node:fs/promises';
import { endianness } from 'node:os';
import { writeStreamAtomic } from './atomic';
import { StoreError } from './errors';

/** A float32 array with its shape; `data.length` equals the product of `shape`. */
export interface NpyArray {
  shape: number[];
  data: Float32Array;
}

export interface NpyReadOptions {
  /** Reject NaN and ±Infinity anywhere in the data (artifacts always ask). */
  requireFinite?: boolean;
}

const MAGIC = Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]); // \x93NUMPY
const LITTLE = endianness() === 'LE';

/** Parses the header dict literal, e.g. `{'descr': '<f4', 'fortran_order': False, 'shape': (3, 512), }`. */
function parseHeader(file: string, header: string): { descr: string; fortran: boolean; shape: number[] } {
  const bad = (why: string) => new StoreError({ file, field: 'header', message: `${why} (header: ${JSON.stringify(header.trim())})` });
  const body = /^\s*\{(.*)\}\s*$/s.exec(header);
  if (!body) throw bad('not a Python dict literal');
  const keys = [...body[1].matchAll(/['"](\w+)['"]\s*:/g)].map((m) => m[1]).sort();
  if (keys.join(',') !== 'descr,fortran_order,shape') throw bad(`keys must be exactly descr, fortran_order, shape; got ${keys.join(', ') || 'none'}`);
  const descr = /['"]descr['"]\s*:\s*['"]([^'"]*)['"]/.exec(body[1]);
  const fortran = /['"]fortran_order['"]\s*:\s*(True|False)\b/.exec(body[1]);
  const shape = /['"]shape['"]\s*:\s*\(([^)]*)\)/.exec(body[1]);
  if (!descr) throw bad('descr must be a string');
  if (!fortran) throw bad('fortran_order must be True or False');
  if (!shape) throw bad('shape must be a tuple');
  const dims = shape[1].split(',').map((s) => s.trim()).filter((s, i, all) => s !== '' || i < all.length - 1);
  if (dims.some((d) => !/^\d+$/.test(d))) throw bad('shape must be a tuple of non-negative integers');
  return { descr: descr[1], fortran: fortran[1] === 'True', shape: dims.map(Number) };
}

/** Decodes an .npy buffer (see `readNpy`); `file` is used in messages. */
export function decodeNpy(file: string, buf: Uint8Array, opts: NpyReadOptions = {}): NpyArray {
  const b = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
  if (b.length < 10 || !b.subarray(0, 6).equals(MAGIC)) {
    throw new StoreError({ file, field: 'magic', message: 'not an .npy file (missing \\x93NUMPY magic)' });
  }
  const major = b[6];
  if (major !== 1 && major !== 2 && major !== 3) {
    throw new StoreError({ file, field: 'version', message: `unsupported .npy format version ${major}.${b[7]} (expected 1, 2 or 3)` });
  }
  const lenBytes = major === 1 ? 2 : 4;
  if (b.length < 8 + lenBytes) throw new StoreError({ file, field: 'header', message: 'file ends inside the header length' });
  const headerLen = major === 1 ? b.readUInt16LE(8) : b.readUInt32LE(8);
  const dataStart = 8 + lenBytes + headerLen;
  if (dataStart > b.length) {
    throw new StoreError({ file, field: 'header', message: `header length ${headerLen} runs past the end of the file (${b.length} bytes)` });
  }
  const headerBytes = b.subarray(8 + lenBytes, dataStart);
  const header = major === 3 ? new TextDecoder('utf-8').decode(headerBytes) : headerBytes.toString('latin1');
  const { descr, fortran, shape } = parseHeader(file, header);
  if (descr !== '<f4' && !(descr === '=f4' && LITTLE)) {
    throw new StoreError({ file, field: 'descr', message: `dtype ${descr} is not supported; expected little-endian float32 '<f4'` });
  }
  if (fortran) throw new StoreError({ file, field: 'fortran_order', message: 'Fortran-order arrays are not supported; expected C order' });
  const count = shape.reduce((a, d) => a * d, 1);
  const expected = count * 4;
  const actual = b.length - dataStart;
  if (actual !== expected) {
    throw new StoreError({
      file,
      field: 'shape',
      message:
        actual < expected
          ? `header claims shape (${shape.join(', ')}) = ${expected} bytes of float32 but the file holds only ${actual} bytes of data (truncated or lying header)`
          : `file has ${actual - expected} bytes after the (${shape.join(', ')}) float32 data`,
    });
  }
  const data = new Float32Array(count);
  if (LITTLE) new Uint8Array(data.buffer).set(b.subarray(dataStart));
  else {
    const view = new DataView(b.buffer, b.byteOffset + dataStart, expected);
    for (let i = 0; i < count; i++) data[i] = view.getFloat32(i * 4, true);
  }
  if (opts.requireFinite) assertFinite(file, data, shape);
  return { shape, data };
}

function assertFinite(file: string, data: Float32Array, shape: number[]): void {
  for (let i = 0; i < data.length; i++) {
    if (!Number.isFinite(data[i])) {
      const cols = shape.length >= 2 ? shape.slice(1).reduce((a, d) => a * d, 1) : 0;
      const where = cols ? `row ${Math.floor(i / cols)}, column ${i % cols}` : `element ${i}`;
      throw new StoreError({ file, field: where, message: `${data[i]} is not a finite number` });
    }
  }
}

/**
 * Reads a float32, C-order .npy file (format versions 1–3). Rejects other dtypes, Fortran order,
 * headers whose shape disagrees with the data length, and (with `requireFinite`) NaN/Infinity.
 */
export async function readNpy(path: string, opts: NpyReadOptions = {}): Promise<NpyArray> {
  return decodeNpy(path, await readFile(path), opts);
}

/** The .npy header (magic, version, length, padded dict) numpy itself would write for this shape. */
export function encodeNpyHeader(shape: readonly number[]): Buffer {
  const tuple = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  const dict = `{'descr': '<f4', 'fortran_order': False, 'shape': ${tuple}, }`;
  // Pad with spaces so the data starts on a 64-byte boundary, as numpy does (the format requires 16).
  const padded = (pre: number) => Math.ceil((pre + dict.length + 1) / 64) * 64;
  const v1 = padded(10) - 10 <= 0xffff;
  const pre = v1 ? 10 : 12;
  const total = padded(pre);
  const headerLen = total - pre;
  const out = Buffer.alloc(total, 0x20);
  MAGIC.copy(out, 0);
  out[6] = v1 ? 1 : 2;
  out[7] = 0;
  if (v1) out.writeUInt16LE(headerLen, 8);
  else out.writeUInt32LE(headerLen, 8);
  out.write(dict, pre, 'latin1');
  out[total - 1] = 0x0a;
  return out;
}

export interface NpyWriteOptions {
  /** Allow NaN/Infinity in the data (never for artifacts; default false). */
  allowNonFinite?: boolean;
}

/**
 * Writes `data` with `shape` as a v1.0 float32 C-order .npy file, atomically. Throws (writing nothing)
 * if the shape does not match the data length or, unless allowed, the data holds NaN/Infinity.
 */
export async function writeNpy(
  path: string,
  data: Float32Array,
  shape: readonly number[],
  opts: NpyWriteOptions = {},
): Promise<void> {
  if (!shape.every((d) => Number.isInteger(d) && d >= 0)) {
    throw new StoreError({ file: path, field: 'shape', message: `refusing to write: shape (${shape.join(', ')}) must hold non-negative integers` });
  }
  const count = shape.reduce((a, d) => a * d, 1);
  if (count !== data.length) {
    throw new StoreError({ file: path, field: 'shape', message: `refusing to write: shape (${shape.join(', ')}) needs ${count} values but data has ${data.length}` });
  }
  if (!opts.allowNonFinite) {
    try {
      assertFinite(path, data, [...shape]);
    } catch (err) {
      const e = err as StoreError;
      throw new StoreError(e.issues.map((i) => ({ ...i, message: `refusing to write: ${i.message}` })));
    }
  }
  const header = encodeNpyHeader(shape);
  await writeStreamAtomic(path, async (write) => {
    await write(header);
    if (LITTLE) {
      const CHUNK = 1 << 22;
      const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
      for (let off = 0; off < bytes.length; off += CHUNK) await write(bytes.subarray(off, off + CHUNK));
    } else {
      const le = Buffer.alloc(data.byteLength);
      for (let i = 0; i < data.length; i++) le.writeFloatLE(data[i], i * 4);
      await write(le);
    }
  });
}
