// The checks the browser suite relies on must themselves catch bad deliveries.
import { expect, test } from 'vitest';
import { deliveryProblems, makeMessage, readMessage } from './messages.js';

test('readMessage accepts an intact message and names its sender', () => {
  expect(readMessage(makeMessage(3, 41))).toEqual({ producer: 3, seq: 41 });
});

test('readMessage rejects a flipped body byte and a truncated message', () => {
  const m = makeMessage(1, 10); // a body of at least one byte
  expect(m.length).toBeGreaterThan(12);
  const flipped = m.slice();
  flipped[flipped.length - 1] ^= 1;
  expect(() => readMessage(flipped)).toThrow(/corrupted/);
  expect(() => readMessage(m, m.length - 1)).toThrow(/bytes; it was sent with/);
});

test('the size mix covers empty, one-slot, multi-slot and larger-than-scratch bodies', () => {
  const sizes = new Set(Array.from({ length: 400 }, (_, seq) => makeMessage(0, seq).length - 12));
  expect(sizes.has(0)).toBe(true);
  expect(sizes.has(52)).toBe(true); // 64 bytes with the header: exactly one slot
  expect([...sizes].some((n) => n > 8192)).toBe(true);
});

test('deliveryProblems reports loss, duplication and reordering, and nothing for a clean run', () => {
  expect(deliveryProblems([[[0, 2]], [[1, 3]]], 1, 4)).toEqual([]);
  expect(deliveryProblems([[[0, 1]]], 1, 3).join()).toMatch(/message 2 was never delivered/);
  expect(deliveryProblems([[[0, 1, 2]], [[1]]], 1, 3).join()).toMatch(/1 was delivered twice/);
  expect(deliveryProblems([[[1, 0, 2]]], 1, 3).join()).toMatch(/got producer 0's 0 after 1/);
});
