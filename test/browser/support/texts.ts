// Non-ASCII test strings: 2-, 3- and 4-byte UTF-8 sequences (incl. emoji
// surrogate pairs), of lengths from a few bytes to more than a thread's
// scratch area, each saying who sent it and in what order.

const PIECES = ['é', '日本語', '🚀', 'Ω≈ç', 'abc', 'ß', '👩‍💻', 'Ελληνικά', 'עברית', '∑'];

/** String `seq` of `producer`; every 37th is over 8 KiB of UTF-8. */
export function textOf(producer: number, seq: number): string {
  const repeats = seq % 37 === 36 ? 600 : seq % 50;
  let body = '';
  for (let i = 0; i < repeats; i++) body += PIECES[(seq + i) % PIECES.length];
  return `${producer}:${seq}:${body}`;
}

/** Who sent `text`, read back from its prefix. */
export function senderOf(text: string): { producer: number; seq: number } {
  const [producer, seq] = text.split(':', 2).map(Number);
  return { producer, seq };
}
