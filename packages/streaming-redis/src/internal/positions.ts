// Offsets <-> entry ids. A stream's offsets are entry ordinals (`entries-added` numbers every entry
// ever added); readers start from ids. Known pairs (anchors) are where a scan starts: the stream's
// end (entries-added <-> last-generated-id), its start (entries-added - length <-> 0-0: nothing
// before the first entry), the group's position, and the ends of ranges resolved before. Scans run
// in Redis (the walk script) in chunks of `scanChunkSize` entries and return ids only.
import type { RedisConnection } from "./connection.js"
import * as Scripts from "./scripts.js"

export interface Walked {
  readonly walked: number
  readonly id: string
}

/** Walks `n` entries of `stream` from `id` (exclusive), forwards or backwards, in bounded chunks. */
export const walk = async (
  client: RedisConnection,
  stream: string,
  direction: "f" | "b",
  id: string,
  n: number,
  chunkSize: number
): Promise<Walked> => {
  let walked = 0
  let at = id
  while (walked < n) {
    const step = Math.min(chunkSize, n - walked)
    const [count, last] = await Scripts.run<[number, string]>(client, Scripts.walk, [stream], [direction, at, String(step)])
    walked += count
    at = last
    if (count < step) break
  }
  return { walked, id: at }
}

/** At most this many anchors are kept per stream (the latest ones). */
const MAX_ANCHORS = 16

export class Anchors {
  private readonly byStream = new Map<string, Map<number, string>>()

  add(stream: string, offset: number, id: string): void {
    let anchors = this.byStream.get(stream)
    if (anchors === undefined) this.byStream.set(stream, anchors = new Map())
    anchors.delete(offset)
    anchors.set(offset, id)
    if (anchors.size > MAX_ANCHORS) anchors.delete(anchors.keys().next().value!)
  }

  /** Forgets the pairs before `offset` (entries trimmed away). */
  dropBefore(stream: string, offset: number): void {
    const anchors = this.byStream.get(stream)
    for (const known of anchors?.keys() ?? []) if (known < offset) anchors!.delete(known)
  }

  /** The known pair nearest to `offset`. */
  nearest(stream: string, offset: number): readonly [number, string] | undefined {
    let best: readonly [number, string] | undefined
    for (const pair of this.byStream.get(stream) ?? []) {
      if (best === undefined || Math.abs(pair[0] - offset) < Math.abs(best[0] - offset)) best = pair
    }
    return best
  }
}

/**
 * The position of `offset` in `stream` (the id of the entry before it; 0-0 before the first), from
 * the nearest anchor: a forward walk of `offset - anchor` entries, or a backward one.
 */
export const positionOf = async (
  client: RedisConnection,
  anchors: Anchors,
  stream: string,
  offset: number,
  chunkSize: number
): Promise<string> => {
  const [anchor, id] = anchors.nearest(stream, offset) ?? [0, "0-0"]
  if (anchor === offset) return id
  if (anchor < offset) return (await walk(client, stream, "f", id, offset - anchor, chunkSize)).id
  // Backwards from the anchor's position (the id of entry anchor - 1): entry offset - 1 is anchor - offset entries before it.
  const back = await walk(client, stream, "b", id, anchor - offset, chunkSize)
  return back.walked < anchor - offset ? "0-0" : back.id
}
