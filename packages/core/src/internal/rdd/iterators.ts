// Per-record plumbing of narrow transformations: hand-written iterator classes
// (not generators), which V8 runs several times faster in deep chains. No
// Effect, Promise or closure is allocated per record here.

const DONE: IteratorReturnResult<undefined> = { done: true, value: undefined }

/**
 * An iterator that can also push all its remaining elements into a sink.
 * Draining a chain of map/filter/flatMap iterators runs one nested loop with
 * no per-element result objects: the fast path of shuffle writes, collect and
 * count, which consume whole partitions.
 */
export interface Drainable<A> extends Iterator<A> {
  drain(sink: (a: A) => void): void
}

const isDrainable = <A>(it: Iterator<A>): it is Drainable<A> => typeof (it as Partial<Drainable<A>>).drain === "function"

/** Pushes every remaining element of `it` into `sink`. */
export const drain = <A>(it: Iterator<A>, sink: (a: A) => void): void => {
  if (isDrainable(it)) {
    it.drain(sink)
    return
  }
  for (let r = it.next(); !r.done; r = it.next()) sink(r.value)
}

export const emptyIterator = <A>(): Iterator<A> => ({ next: () => DONE })

/** The elements of `open(0)`, then of `open(1)`, ... up to `open(count - 1)`, each opened only when reached. */
export const concatIterators = <A>(count: number, open: (i: number) => Iterator<A>): Iterator<A> => {
  let i = 0
  let current: Iterator<A> | undefined
  return {
    next: () => {
      for (;;) {
        if (current === undefined) {
          if (i >= count) return DONE
          current = open(i++)
        }
        const r = current.next()
        if (!r.done) return r
        current = undefined
      }
    }
  }
}

export class MapIterator<A, B> implements Drainable<B> {
  constructor(private readonly parent: Iterator<A>, private readonly f: (a: A) => B) {}
  next(): IteratorResult<B> {
    const r = this.parent.next()
    if (r.done) return DONE
    return { done: false, value: this.f(r.value) }
  }
  drain(sink: (b: B) => void): void {
    const f = this.f
    drain(this.parent, (a) => sink(f(a)))
  }
}

export class FilterIterator<A> implements Drainable<A> {
  constructor(private readonly parent: Iterator<A>, private readonly f: (a: A) => boolean) {}
  next(): IteratorResult<A> {
    for (;;) {
      const r = this.parent.next()
      if (r.done || this.f(r.value)) return r
    }
  }
  drain(sink: (a: A) => void): void {
    const f = this.f
    drain(this.parent, (a) => {
      if (f(a)) sink(a)
    })
  }
}

export class FlatMapIterator<A, B> implements Drainable<B> {
  private current: Iterator<B> | undefined = undefined
  private array: ArrayLike<B> | undefined = undefined
  private position = 0
  constructor(private readonly parent: Iterator<A>, private readonly f: (a: A) => Iterable<B>) {}
  next(): IteratorResult<B> {
    for (;;) {
      // Arrays, the common result of a flatMap function, are walked by index.
      if (this.array !== undefined) {
        if (this.position < this.array.length) return { done: false, value: this.array[this.position++]! }
        this.array = undefined
      } else if (this.current !== undefined) {
        const r = this.current.next()
        if (!r.done) return r
        this.current = undefined
      }
      const outer = this.parent.next()
      if (outer.done) return DONE
      const inner = this.f(outer.value)
      if (Array.isArray(inner)) {
        this.array = inner
        this.position = 0
      } else {
        this.current = inner[Symbol.iterator]()
      }
    }
  }
  drain(sink: (b: B) => void): void {
    // First what is left of the current inner collection, then the rest in one loop.
    if (this.array !== undefined) {
      const array = this.array
      for (let i = this.position; i < array.length; i++) sink(array[i]!)
      this.array = undefined
    } else if (this.current !== undefined) {
      drain(this.current, sink)
      this.current = undefined
    }
    const f = this.f
    drain(this.parent, (a) => {
      const inner = f(a)
      if (Array.isArray(inner)) {
        for (let i = 0; i < inner.length; i++) sink(inner[i])
      } else {
        for (const b of inner) sink(b)
      }
    })
  }
}

export class ArrayIterator<A> implements Drainable<A> {
  private position: number
  constructor(private readonly array: ArrayLike<A>, start = 0, private readonly end = array.length) {
    this.position = start
  }
  next(): IteratorResult<A> {
    if (this.position < this.end) return { done: false, value: this.array[this.position++]! }
    return DONE
  }
  drain(sink: (a: A) => void): void {
    const { array, end } = this
    for (let i = this.position; i < end; i++) sink(array[i]!)
    this.position = end
  }
}

/** Wraps an iterator so `for...of` and spread work on it. */
export const iterable = <A>(iterator: Iterator<A>): IterableIterator<A> => {
  const it = iterator as Iterator<A> & { [Symbol.iterator]?: () => Iterator<A> }
  if (typeof it[Symbol.iterator] !== "function") {
    it[Symbol.iterator] = function() {
      return this as Iterator<A>
    }
  }
  return it as IterableIterator<A>
}

export const toArray = <A>(iterator: Iterator<A>): Array<A> => {
  const out: Array<A> = []
  drain(iterator, (a) => out.push(a))
  return out
}

export const fromIterable = <A>(values: Iterable<A>): Iterator<A> =>
  Array.isArray(values) ? new ArrayIterator(values as Array<A>) : values[Symbol.iterator]()

/** Counts the records a task reads from a source as they are consumed (one increment per record, no allocation). */
export class CountingIterator<A> implements Drainable<A> {
  constructor(private readonly parent: Iterator<A>, private readonly counter: { recordsRead: number }) {}
  next(): IteratorResult<A> {
    const r = this.parent.next()
    if (!r.done) this.counter.recordsRead++
    return r
  }
  drain(sink: (a: A) => void): void {
    const counter = this.counter
    drain(this.parent, (a) => {
      counter.recordsRead++
      sink(a)
    })
  }
}
