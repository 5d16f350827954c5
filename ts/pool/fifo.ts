// A FIFO with O(1) push and shift at any length (Array#shift copies large
// arrays), and O(1) removal from the middle by lazy deletion.

export class Fifo<T extends object> {
  #items: (T | undefined)[] = [];
  #head = 0;
  #size = 0;
  readonly #removed = new WeakSet<T>();

  /** Items in the queue, not counting removed ones. */
  get size(): number {
    return this.#size;
  }

  push(item: T): void {
    this.#items.push(item);
    this.#size++;
  }

  /** The oldest item, or undefined when empty. */
  peek(): T | undefined {
    this.#skipRemoved();
    return this.#items[this.#head];
  }

  shift(): T | undefined {
    this.#skipRemoved();
    if (this.#head >= this.#items.length) return undefined;
    const item = this.#items[this.#head]!;
    this.#items[this.#head++] = undefined;
    this.#size--;
    this.#compact();
    return item;
  }

  /** Removes `item` (which must be in the queue); its slot is skipped later. */
  remove(item: T): void {
    this.#removed.add(item);
    this.#size--;
  }

  /** Empties the queue and returns what was in it, oldest first. */
  drain(): T[] {
    const out: T[] = [];
    for (let item = this.shift(); item !== undefined; item = this.shift()) out.push(item);
    return out;
  }

  #skipRemoved(): void {
    while (this.#head < this.#items.length && this.#removed.has(this.#items[this.#head]!)) {
      this.#items[this.#head++] = undefined;
    }
    this.#compact();
  }

  /** Drops the consumed prefix once it is at least half the array. */
  #compact(): void {
    if (this.#head >= 1024 && this.#head * 2 >= this.#items.length) {
      this.#items = this.#items.slice(this.#head);
      this.#head = 0;
    }
    if (this.#head === this.#items.length && this.#head > 0) {
      this.#items.length = 0;
      this.#head = 0;
    }
  }
}
