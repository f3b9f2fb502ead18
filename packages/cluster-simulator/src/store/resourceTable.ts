/*
 * The objects of one resource type in one cluster, kept sorted by key the way
 * etcd orders `/registry/<type>/<namespace>/<name>`: lists, namespace ranges
 * and `continue` tokens are then binary searches instead of sorts.
 */
import { StoredObject } from './storedObject';

function lowerBound(keys: string[], key: string): number {
  let lo = 0;
  let hi = keys.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (keys[mid] < key) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** A key range `[start, end)` of the sorted key array. */
export interface KeyRange {
  start: number;
  end: number;
}

/** Sorted storage for one resource type. */
export class ResourceTable {
  private readonly objects = new Map<string, StoredObject>();
  private readonly keys: string[] = [];

  get size(): number {
    return this.objects.size;
  }

  get(key: string): StoredObject | undefined {
    return this.objects.get(key);
  }

  /** Inserts or replaces an object version. */
  put(obj: StoredObject): void {
    if (!this.objects.has(obj.key)) {
      const at = lowerBound(this.keys, obj.key);
      this.keys.splice(at, 0, obj.key);
    }
    this.objects.set(obj.key, obj);
  }

  remove(key: string): void {
    if (!this.objects.delete(key)) return;
    const at = lowerBound(this.keys, key);
    if (this.keys[at] === key) this.keys.splice(at, 1);
  }

  /** The index range holding one namespace, or every key when namespace is empty. */
  range(namespace: string): KeyRange {
    if (!namespace) return { start: 0, end: this.keys.length };
    const prefix = `${namespace}/`;
    // '0' is the character after '/', so this bounds every key with the prefix
    const after = `${namespace}0`;
    return {
      start: lowerBound(this.keys, prefix),
      end: lowerBound(this.keys, after),
    };
  }

  /** The first index in a range whose key is strictly greater than `key`. */
  indexAfter(key: string, range: KeyRange): number {
    let at = lowerBound(this.keys, key);
    if (this.keys[at] === key) at++;
    return Math.max(range.start, Math.min(at, range.end));
  }

  keyAt(index: number): string {
    return this.keys[index];
  }

  objectAt(index: number): StoredObject {
    return this.objects.get(this.keys[index])!;
  }

  /** Every stored object in key order. */
  *values(namespace = ''): IterableIterator<StoredObject> {
    const { start, end } = this.range(namespace);
    for (let i = start; i < end; i++) {
      yield this.objects.get(this.keys[i])!;
    }
  }
}
