import { KubeObject, ReflectorSink } from './Reflector';

function keyOf(object: KubeObject): string {
  return `${object.metadata?.namespace ?? ''}/${object.metadata?.name ?? ''}`;
}

/**
 * The cached (trimmed) objects of one resource in one cluster, keyed by namespace/name. Counts its changes so
 * derived views know when to recompute.
 */
export class ObjectCache<T extends KubeObject = any>
  implements ReflectorSink<T>
{
  private objects = new Map<string, T>();
  /** Increases on every change. */
  revision = 0;

  constructor(private readonly onChange: () => void = () => {}) {}

  replace(objects: T[]): void {
    this.objects = new Map(objects.map(o => [keyOf(o), o]));
    this.changed();
  }

  upsert(object: T): void {
    this.objects.set(keyOf(object), object);
    this.changed();
  }

  remove(object: T): void {
    if (this.objects.delete(keyOf(object))) this.changed();
  }

  get(namespace: string | undefined, name: string): T | undefined {
    return this.objects.get(`${namespace ?? ''}/${name}`);
  }

  list(): T[] {
    return [...this.objects.values()];
  }

  get size(): number {
    return this.objects.size;
  }

  private changed() {
    this.revision += 1;
    this.onChange();
  }
}
