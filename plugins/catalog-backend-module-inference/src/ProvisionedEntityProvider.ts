import { LoggerService } from '@backstage/backend-plugin-api';
import {
  ANNOTATION_LOCATION,
  ANNOTATION_ORIGIN_LOCATION,
  Entity,
} from '@backstage/catalog-model';
import {
  EntityProvider,
  EntityProviderConnection,
} from '@backstage/plugin-catalog-node';
import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';

/** The file each provisioned service keeps in its own folder of the catalog directory. */
export const ENTITY_FILE = 'catalog-info.yaml';

/** Kinds a provisioned file may hold: model services and what they expose, never people, groups or templates. */
const ALLOWED_KINDS = new Set(['component', 'resource', 'api']);

/** One entity file as read: its path, a hash of its content and the entity in it. */
interface EntityFile {
  file: string;
  contentHash: string;
  entities: Entity[];
}

/** The folder an entity must live in: `<kind>.<namespace>.<name>`, as inference:entity:register writes it. */
function folderOf(entity: Entity): string {
  return [
    entity.kind,
    entity.metadata.namespace ?? 'default',
    entity.metadata.name,
  ]
    .join('.')
    .toLowerCase();
}

function isEntity(value: any): value is Entity {
  return (
    typeof value?.apiVersion === 'string' &&
    typeof value?.kind === 'string' &&
    typeof value?.metadata?.name === 'string'
  );
}

/**
 * Feeds the catalog with the `catalog-info.yaml` files that `inference:entity:register` keeps for services applied
 * without a git repository: one folder per entity (`<kind>.<namespace>.<name>`) under the catalog directory, holding
 * exactly that one Component, Resource or API. The directory is read on every `refresh()` and the catalog only hears
 * about it when a file was added, changed or removed. With several backend replicas the directory must be shared
 * storage (a ReadWriteMany volume), so every replica serves the same entities.
 */
export class ProvisionedEntityProvider implements EntityProvider {
  private connection?: EntityProviderConnection;
  private lastSignature?: string;

  constructor(
    private readonly options: { directory: string; logger: LoggerService },
  ) {}

  getProviderName(): string {
    return 'inference-provisioned';
  }

  async connect(connection: EntityProviderConnection): Promise<void> {
    this.connection = connection;
  }

  /** Reads the directory and replaces the provider's entities when the files changed; returns how many it holds. */
  async refresh(): Promise<number> {
    if (!this.connection) throw new Error('Not connected to the catalog');
    const files = await this.readFiles();
    // content, not modification time: two writes within one clock tick must not look alike
    const signature = files.map(f => `${f.file}@${f.contentHash}`).join('\n');
    const entities = files.flatMap(f =>
      f.entities.map(entity => ({
        entity: this.annotate(entity, f.file),
        locationKey: `${this.getProviderName()}:${f.file}`,
      })),
    );
    if (signature === this.lastSignature) return entities.length;
    await this.connection.applyMutation({ type: 'full', entities });
    this.lastSignature = signature;
    this.options.logger.info(
      `Provisioned entities: ${entities.length} from ${files.length} file(s) in ${this.options.directory}`,
    );
    return entities.length;
  }

  private annotate(entity: Entity, file: string): Entity {
    const location = `file:${file}`;
    return {
      ...entity,
      metadata: {
        ...entity.metadata,
        annotations: {
          ...entity.metadata.annotations,
          [ANNOTATION_LOCATION]: location,
          [ANNOTATION_ORIGIN_LOCATION]: location,
        },
      },
    };
  }

  private async readFiles(): Promise<EntityFile[]> {
    const { directory, logger } = this.options;
    const folders = await fs
      .readdir(directory, { withFileTypes: true })
      .catch((error: NodeJS.ErrnoException) => {
        if (error.code === 'ENOENT') return [];
        throw error;
      });
    const files: EntityFile[] = [];
    for (const folder of folders.filter(f => f.isDirectory())) {
      const file = path.join(directory, folder.name, ENTITY_FILE);
      try {
        const text = await fs.readFile(file, 'utf8');
        const documents = parseAllDocuments(text);
        const broken = documents.find(d => d.errors.length);
        if (broken) throw new Error(broken.errors[0].message);
        const entities = documents.map(d => d.toJS()).filter(isEntity);
        if (entities.length !== 1) {
          throw new Error(`holds ${entities.length} entities instead of one`);
        }
        const [entity] = entities;
        if (!ALLOWED_KINDS.has(entity.kind.toLowerCase())) {
          throw new Error(
            `kind ${entity.kind} is not one a template may register`,
          );
        }
        if (folderOf(entity) !== folder.name.toLowerCase()) {
          // a file may only describe the entity its folder is named for, so it cannot claim another one
          throw new Error(`its entity belongs in folder ${folderOf(entity)}`);
        }
        files.push({
          file,
          contentHash: createHash('sha256').update(text).digest('hex'),
          entities,
        });
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') continue;
        // one bad file must not take the other services out of the catalog
        logger.warn(`Skipping ${file}: ${(error as Error).message}`);
      }
    }
    return files.sort((a, b) => a.file.localeCompare(b.file));
  }
}
