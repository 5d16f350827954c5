// The messages of test/structures.threads.test.ts, computed the same way by
// the producers and by the test that checks what arrived.

/** The shape of producer `p`'s message `i`: every producer walks the shapes in an order of its own. */
export const shapeOf = (p, i, shapes) => (i * 7 + p * 13) % shapes;

/** Message `i` of producer `p`, of shape `shape`: its keys are the shape's, its values checksum (p, i). */
export function shapeMessage(p, i, shape) {
  return {
    [`s${shape}p`]: p,
    [`s${shape}i`]: i,
    [`s${shape}sum`]: (p * 1_000_003 + i * 31 + shape) % 2_147_483_647,
    nested: { [`n${shape % 5}`]: [i, 'x'.repeat(shape % 4)], at: { p, i } },
  };
}
