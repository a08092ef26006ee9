import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CodedError } from '@/errors/coded-error';
import { InvalidInputError } from '@/errors/invalid-input';

/** Two copies of one error class, as two Next.js chunks each evaluate the module that declares it. */
function chunkCopy() {
  class ChunkCopyError extends CodedError {
    readonly code = 'CHUNK_COPY';
  }
  class ChunkCopyChildError extends ChunkCopyError {}
  return { ChunkCopyError, ChunkCopyChildError };
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'generated' ? [] : sourceFiles(path);
    return /\.tsx?$/.test(entry.name) ? [path] : [];
  });
}

describe('CodedError, the base of every named error', () => {
  it('takes its name from the class constructed and keeps the code and message', () => {
    const error = new InvalidInputError([{ name: 'age', message: 'must be a value from 18 to 120' }]);
    expect(error.name).toBe('InvalidInputError');
    expect(error.code).toBe('BAD_USER_INPUT');
    expect(error.message).toBe('invalid input: age: must be a value from 18 to 120');
    expect(error).toBeInstanceOf(Error);
    expect(error).toBeInstanceOf(CodedError);
  });

  it("recognises an instance of another chunk's copy of a class, and of its subclasses", () => {
    const a = chunkCopy();
    const b = chunkCopy();
    expect(new a.ChunkCopyError('x')).toBeInstanceOf(b.ChunkCopyError);
    expect(new b.ChunkCopyChildError('x')).toBeInstanceOf(a.ChunkCopyError);
    expect(new b.ChunkCopyChildError('x').name).toBe('ChunkCopyChildError');
    expect(new a.ChunkCopyError('x')).not.toBeInstanceOf(b.ChunkCopyChildError);
    expect(new a.ChunkCopyError('x')).not.toBeInstanceOf(InvalidInputError);
  });

  it('refuses what is not an instance: plain errors, copies of its fields, null', () => {
    const error = new InvalidInputError([]);
    expect(new Error('x')).not.toBeInstanceOf(InvalidInputError);
    expect({ ...error }).not.toBeInstanceOf(InvalidInputError);
    const nothing: unknown = null;
    expect(nothing instanceof CodedError).toBe(false);
  });

  it('keeps the cause it is given', () => {
    class WrappingError extends CodedError {
      readonly code = 'WRAPPING';
    }
    const cause = new Error('underneath');
    expect(new WrappingError('on top', { cause }).cause).toBe(cause);
  });

  // Brands are keyed by class name, so two error classes of one name would pass for each other.
  it('gives every error class in src a name of its own', () => {
    const names = sourceFiles(join(__dirname, '../../../src')).flatMap((file) =>
      [...readFileSync(file, 'utf8').matchAll(/class (\w+) extends \w*Error\b/g)].map((m) => m[1]),
    );
    expect(names.length).toBeGreaterThan(30);
    expect(names.filter((name, i) => names.indexOf(name) !== i)).toEqual([]);
  });
});
