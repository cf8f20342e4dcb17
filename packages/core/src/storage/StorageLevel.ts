/**
 * Where and how a block is kept: memory and/or disk, as objects or serialized
 * bytes, on how many executors.
 *
 * Mirrors `org.apache.spark.storage.StorageLevel`.
 *
 * @since 0.1.0
 */

/**
 * A storage level.
 *
 * Mirrors `org.apache.spark.storage.StorageLevel`.
 *
 * **Example**
 * ```ts
 * const level: StorageLevel.StorageLevel = StorageLevel.MEMORY_AND_DISK
 * ```
 *
 * @category models
 * @since 0.1.0
 */
export interface StorageLevel {
  readonly name: string
  readonly useDisk: boolean
  readonly useMemory: boolean
  /** Kept in memory as objects (`true`) or as serialized bytes (`false`). */
  readonly deserialized: boolean
  /** How many executors hold a copy (1 or 2). */
  readonly replication: number
}

const level = (name: string, useDisk: boolean, useMemory: boolean, deserialized: boolean, replication = 1) =>
  ({ name, useDisk, useMemory, deserialized, replication }) satisfies StorageLevel

/**
 * Not stored.
 *
 * Mirrors `org.apache.spark.storage.StorageLevel.NONE`.
 *
 * **Example**
 * ```ts
 * rdd.persist(StorageLevel.NONE)
 * ```
 *
 * @category models
 * @since 0.1.0
 */
export const NONE: StorageLevel = level("NONE", false, false, false)
/**
 * Serialized on disk only.
 *
 * Mirrors `org.apache.spark.storage.StorageLevel.DISK_ONLY`.
 *
 * **Example**
 * ```ts
 * rdd.persist(StorageLevel.DISK_ONLY)
 * ```
 *
 * @category models
 * @since 0.1.0
 */
export const DISK_ONLY: StorageLevel = level("DISK_ONLY", true, false, false)
/**
 * Serialized on disk only. Replicated on two executors.
 *
 * Mirrors `org.apache.spark.storage.StorageLevel.DISK_ONLY_2`.
 *
 * **Example**
 * ```ts
 * rdd.persist(StorageLevel.DISK_ONLY_2)
 * ```
 *
 * @category models
 * @since 0.1.0
 */
export const DISK_ONLY_2: StorageLevel = level("DISK_ONLY_2", true, false, false, 2)
/**
 * As objects in memory; a partition that does not fit is recomputed when needed.
 *
 * Mirrors `org.apache.spark.storage.StorageLevel.MEMORY_ONLY`.
 *
 * **Example**
 * ```ts
 * rdd.persist(StorageLevel.MEMORY_ONLY)
 * ```
 *
 * @category models
 * @since 0.1.0
 */
export const MEMORY_ONLY: StorageLevel = level("MEMORY_ONLY", false, true, true)
/**
 * As objects in memory; a partition that does not fit is recomputed when needed. Replicated on two executors.
 *
 * Mirrors `org.apache.spark.storage.StorageLevel.MEMORY_ONLY_2`.
 *
 * **Example**
 * ```ts
 * rdd.persist(StorageLevel.MEMORY_ONLY_2)
 * ```
 *
 * @category models
 * @since 0.1.0
 */
export const MEMORY_ONLY_2: StorageLevel = level("MEMORY_ONLY_2", false, true, true, 2)
/**
 * As serialized bytes in memory (smaller, slower to read).
 *
 * Mirrors `org.apache.spark.storage.StorageLevel.MEMORY_ONLY_SER`.
 *
 * **Example**
 * ```ts
 * rdd.persist(StorageLevel.MEMORY_ONLY_SER)
 * ```
 *
 * @category models
 * @since 0.1.0
 */
export const MEMORY_ONLY_SER: StorageLevel = level("MEMORY_ONLY_SER", false, true, false)
/**
 * As serialized bytes in memory (smaller, slower to read). Replicated on two executors.
 *
 * Mirrors `org.apache.spark.storage.StorageLevel.MEMORY_ONLY_SER_2`.
 *
 * **Example**
 * ```ts
 * rdd.persist(StorageLevel.MEMORY_ONLY_SER_2)
 * ```
 *
 * @category models
 * @since 0.1.0
 */
export const MEMORY_ONLY_SER_2: StorageLevel = level("MEMORY_ONLY_SER_2", false, true, false, 2)
/**
 * As objects in memory, spilled to disk when memory runs out.
 *
 * Mirrors `org.apache.spark.storage.StorageLevel.MEMORY_AND_DISK`.
 *
 * **Example**
 * ```ts
 * rdd.persist(StorageLevel.MEMORY_AND_DISK)
 * ```
 *
 * @category models
 * @since 0.1.0
 */
export const MEMORY_AND_DISK: StorageLevel = level("MEMORY_AND_DISK", true, true, true)
/**
 * As objects in memory, spilled to disk when memory runs out. Replicated on two executors.
 *
 * Mirrors `org.apache.spark.storage.StorageLevel.MEMORY_AND_DISK_2`.
 *
 * **Example**
 * ```ts
 * rdd.persist(StorageLevel.MEMORY_AND_DISK_2)
 * ```
 *
 * @category models
 * @since 0.1.0
 */
export const MEMORY_AND_DISK_2: StorageLevel = level("MEMORY_AND_DISK_2", true, true, true, 2)
/**
 * As serialized bytes in memory, spilled to disk when memory runs out.
 *
 * Mirrors `org.apache.spark.storage.StorageLevel.MEMORY_AND_DISK_SER`.
 *
 * **Example**
 * ```ts
 * rdd.persist(StorageLevel.MEMORY_AND_DISK_SER)
 * ```
 *
 * @category models
 * @since 0.1.0
 */
export const MEMORY_AND_DISK_SER: StorageLevel = level("MEMORY_AND_DISK_SER", true, true, false)
/**
 * As serialized bytes in memory, spilled to disk when memory runs out. Replicated on two executors.
 *
 * Mirrors `org.apache.spark.storage.StorageLevel.MEMORY_AND_DISK_SER_2`.
 *
 * **Example**
 * ```ts
 * rdd.persist(StorageLevel.MEMORY_AND_DISK_SER_2)
 * ```
 *
 * @category models
 * @since 0.1.0
 */
export const MEMORY_AND_DISK_SER_2: StorageLevel = level("MEMORY_AND_DISK_SER_2", true, true, false, 2)

/**
 * Every named level, by name.
 *
 * Mirrors `org.apache.spark.storage.StorageLevel.fromString`.
 *
 * **Example**
 * ```ts
 * StorageLevel.byName.get("MEMORY_AND_DISK_SER") === StorageLevel.MEMORY_AND_DISK_SER
 * ```
 *
 * @category getters
 * @since 0.1.0
 */
export const byName: ReadonlyMap<string, StorageLevel> = new Map(
  [
    NONE,
    DISK_ONLY,
    DISK_ONLY_2,
    MEMORY_ONLY,
    MEMORY_ONLY_2,
    MEMORY_ONLY_SER,
    MEMORY_ONLY_SER_2,
    MEMORY_AND_DISK,
    MEMORY_AND_DISK_2,
    MEMORY_AND_DISK_SER,
    MEMORY_AND_DISK_SER_2
  ].map((l) => [l.name, l])
)

/**
 * Whether a level keeps the block anywhere.
 *
 * Mirrors `org.apache.spark.storage.StorageLevel.isValid`.
 *
 * **Example**
 * ```ts
 * StorageLevel.isValid(StorageLevel.NONE) // false
 * ```
 *
 * @category guards
 * @since 0.1.0
 */
export const isValid = (l: StorageLevel): boolean => (l.useMemory || l.useDisk) && l.replication > 0

/**
 * Structural equality of levels.
 *
 * Mirrors `org.apache.spark.storage.StorageLevel.equals`.
 *
 * **Example**
 * ```ts
 * StorageLevel.equals(StorageLevel.MEMORY_ONLY, StorageLevel.byName.get("MEMORY_ONLY")!) // true
 * ```
 *
 * @category guards
 * @since 0.1.0
 */
export const equals = (a: StorageLevel, b: StorageLevel): boolean =>
  a.useDisk === b.useDisk && a.useMemory === b.useMemory && a.deserialized === b.deserialized &&
  a.replication === b.replication
