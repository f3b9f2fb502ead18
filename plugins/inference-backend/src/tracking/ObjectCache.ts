import { SkippedObject } from '@inference-platform/plugin-inference-common';
import { KubeObject, ReflectorSink } from './Reflector';
import { skippedOf } from './screenObject';

function keyOf(object: KubeObject): string {
  return `${object.metadata?.namespace ?? ''}/${object.metadata?.name ?? ''}`;
}

/**
 * The cached (trimmed) objects of one resource in one cluster, keyed by namespace/name. Counts its changes so
 * derived views know when to recompute. Objects that could not be read (skipped entries of screenObject) are kept
 * apart: they are not listed, but reported until a readable version replaces them or they are deleted.
 */
export class ObjectCache<T extends KubeObject = any>
  implements ReflectorSink<T>
{
  private objects = new Map<string, T>();
  private skippedObjects = new Map<string, SkippedObject>();
  /** Increases on every change. */
  revision = 0;

  constructor(
    private readonly onChange: () => void = () => {},
    /** Called when an object is newly skipped, or skipped for another reason than before. */
    private readonly onSkipped: (skipped: SkippedObject) => void = () => {},
  ) {}

  replace(objects: T[]): void {
    const previous = this.skippedObjects;
    this.objects = new Map();
    this.skippedObjects = new Map();
    for (const object of objects) {
      const key = keyOf(object);
      const skipped = skippedOf(object);
      if (skipped) {
        this.objects.delete(key);
        this.skippedObjects.set(key, skipped);
      } else {
        this.skippedObjects.delete(key);
        this.objects.set(key, object);
      }
    }
    for (const [key, skipped] of this.skippedObjects) {
      if (previous.get(key)?.reason !== skipped.reason) this.onSkipped(skipped);
    }
    this.changed();
  }

  upsert(object: T): void {
    const key = keyOf(object);
    const skipped = skippedOf(object);
    if (skipped) {
      const before = this.skippedObjects.get(key);
      this.objects.delete(key);
      this.skippedObjects.set(key, skipped);
      if (before?.reason !== skipped.reason) this.onSkipped(skipped);
    } else {
      this.skippedObjects.delete(key);
      this.objects.set(key, object);
    }
    this.changed();
  }

  remove(object: T): void {
    const key = keyOf(object);
    const removed = this.objects.delete(key);
    if (this.skippedObjects.delete(key) || removed) this.changed();
  }

  get(namespace: string | undefined, name: string): T | undefined {
    return this.objects.get(`${namespace ?? ''}/${name}`);
  }

  list(): T[] {
    return [...this.objects.values()];
  }

  /** The objects left out because they could not be read. */
  skipped(): SkippedObject[] {
    return [...this.skippedObjects.values()];
  }

  get size(): number {
    return this.objects.size;
  }

  private changed() {
    this.revision += 1;
    this.onChange();
  }
}
