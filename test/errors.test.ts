// ts/errors.ts: messageOf turns any caught value into text without throwing,
// and every error class has its name and its own identity, also through the
// built package entry points (wasmq/pool re-exports the same classes).
import { describe, expect, it } from 'vitest';
import {
  CodecError, PoolClosedError, QueueClosedError, TimeoutError, WorkerDiedError, WorkerStartError, messageOf,
} from '../ts/errors.js';
import * as builtErrors from '../dist/errors.js';
import * as wasmqEntry from '../dist/index.js';
import * as poolEntry from '../dist/pool/index.js';

describe('messageOf', () => {
  it('gives an Error its message', () => {
    expect(messageOf(new Error('boom'))).toBe('boom');
    expect(messageOf(new RangeError(''))).toBe('');
    expect(messageOf(new QueueClosedError())).toBe('the queue is closed');
  });

  it('turns a non-Error value into a string', () => {
    expect(messageOf('plain text')).toBe('plain text');
    expect(messageOf(42)).toBe('42');
    expect(messageOf(12n)).toBe('12');
    expect(messageOf(Symbol('s'))).toBe('Symbol(s)');
    expect(messageOf({ toString: () => 'custom' })).toBe('custom');
    expect(messageOf({})).toBe('[object Object]');
  });

  it('handles null and undefined', () => {
    expect(messageOf(null)).toBe('null');
    expect(messageOf(undefined)).toBe('undefined');
  });

  it('turns a non-string message into a string, and skips a nullish one', () => {
    expect(messageOf({ message: 42 })).toBe('42');
    expect(messageOf({ message: { toString: () => 'inner' } })).toBe('inner');
    expect(messageOf({ message: null, toString: () => 'outer' })).toBe('outer');
    expect(messageOf({ message: undefined, toString: () => 'outer' })).toBe('outer');
  });

  it('never throws: a throwing getter or toString falls back', () => {
    const throwingGetter = {
      get message(): string {
        throw new Error('getter');
      },
    };
    expect(messageOf(throwingGetter)).toBe('[object Object]');
    const throwingMessage = { message: { toString: () => { throw new Error('inner toString'); } }, toString: () => 'outer' };
    expect(messageOf(throwingMessage)).toBe('outer');
    expect(messageOf(Object.create(null))).toBe('an unprintable object');
    const hostile = new Proxy({}, {
      get() {
        throw new Error('trap');
      },
    });
    expect(messageOf(hostile)).toBe('an unprintable object');
    const { proxy, revoke } = Proxy.revocable({}, {});
    revoke();
    expect(messageOf(proxy)).toBe('an unprintable object');
  });
});

describe('error classes', () => {
  const cause = new Error('underneath');
  const cases = [
    { Class: QueueClosedError, error: new QueueClosedError(), name: 'QueueClosedError', message: 'the queue is closed' },
    { Class: TimeoutError, error: new TimeoutError('pop', 5), name: 'TimeoutError', message: 'pop timed out after 5 ms' },
    { Class: CodecError, error: new CodecError('bad', { cause }), name: 'CodecError', message: 'bad' },
    {
      Class: PoolClosedError, error: new PoolClosedError(), name: 'PoolClosedError',
      message: 'the pool is closed: run() is not accepted after close()',
    },
    { Class: WorkerDiedError, error: new WorkerDiedError('died', { cause }), name: 'WorkerDiedError', message: 'died' },
    { Class: WorkerStartError, error: new WorkerStartError('no start', { cause }), name: 'WorkerStartError', message: 'no start' },
  ] as const;

  it.each(cases)('$name has its name, is an Error and its own class only', ({ Class, error, name, message }) => {
    expect(error.name).toBe(name);
    expect(error.message).toBe(message);
    expect(error).toBeInstanceOf(Error);
    expect(error).toBeInstanceOf(Class);
    for (const other of cases) if (other.Class !== Class) expect(error).not.toBeInstanceOf(other.Class);
    expect(String(error)).toBe(`${name}: ${message}`);
  });

  it('keep their cause, and CodecError its bytes', () => {
    expect(new WorkerDiedError('x', { cause }).cause).toBe(cause);
    expect(new WorkerStartError('x', { cause }).cause).toBe(cause);
    const bytes = new Uint8Array([1, 2]);
    expect(new CodecError('x', { bytes }).bytes).toBe(bytes);
  });

  it('are the same classes through every built entry point (instanceof works across them)', () => {
    expect(poolEntry.PoolClosedError).toBe(builtErrors.PoolClosedError);
    expect(poolEntry.WorkerDiedError).toBe(builtErrors.WorkerDiedError);
    expect(poolEntry.WorkerStartError).toBe(builtErrors.WorkerStartError);
    expect(wasmqEntry.QueueClosedError).toBe(builtErrors.QueueClosedError);
    expect(wasmqEntry.TimeoutError).toBe(builtErrors.TimeoutError);
    expect(wasmqEntry.CodecError).toBe(builtErrors.CodecError);
    expect(new builtErrors.WorkerDiedError('x')).toBeInstanceOf(poolEntry.WorkerDiedError);
  });

  it('messageOf stays internal: neither entry point exports it', () => {
    expect('messageOf' in wasmqEntry).toBe(false);
    expect('messageOf' in poolEntry).toBe(false);
  });
});
