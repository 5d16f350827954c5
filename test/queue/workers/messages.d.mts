// Types of messages.mjs for the TypeScript tests that use it.
export function lengthOf(producer: number, seq: number, maxLen?: number): number;
export function makeMessage(producer: number, seq: number, len?: number): Uint8Array;
export function checkMessage(m: Uint8Array, expectedLen?: (producer: number, seq: number) => number): string | { producer: number; seq: number };
