// Types of shape-messages.mjs for test/structures.threads.test.ts.
export function shapeOf(p: number, i: number, shapes: number): number;
export function shapeMessage(p: number, i: number, shape: number): Record<string, unknown>;
