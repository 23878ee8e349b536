/**
 * Messages held while the broker is unreachable. Bounded: when full the oldest message is
 * dropped (the newest state is worth more to integrators than the oldest), and counted.
 */
export class BoundedOutbox<T> {
  private items: T[] = [];
  private head = 0;
  dropped = 0;

  constructor(private readonly capacity: number) {}

  push(item: T): void {
    if (this.capacity === 0) {
      this.dropped++;
      return;
    }
    if (this.size >= this.capacity) {
      this.head++;
      this.dropped++;
    }
    this.items.push(item);
    // Compact now and then so the array does not grow with the dropped head.
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
  }

  /** Removes and returns everything, oldest first. */
  takeAll(): T[] {
    const all = this.items.slice(this.head);
    this.items = [];
    this.head = 0;
    return all;
  }

  /** Puts messages back at the front (a flush that failed half-way). */
  unshift(items: T[]): void {
    const rest = this.takeAll();
    for (const item of [...items, ...rest]) this.push(item);
  }

  get size(): number {
    return this.items.length - this.head;
  }
}
