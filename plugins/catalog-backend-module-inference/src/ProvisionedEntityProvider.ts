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
import fs from 'node:fs/promises';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';

/** The file each provisioned service keeps in its own folder of the catalog directory. */
export const ENTITY_FILE = 'catalog-info.yaml';

/** One entity file as read: its path, modification time and the entities in it. */
interface EntityFile {
  file: string;
  mtimeMs: number;
  entities: Entity[];
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
 * without a git repository: one folder per entity under the catalog directory. The directory is read on every
 * `refresh()` and the catalog only hears about it when a file was added, changed or removed.
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
    const signature = files.map(f => `${f.file}@${f.mtimeMs}`).join('\n');
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
        const [stat, text] = await Promise.all([
          fs.stat(file),
          fs.readFile(file, 'utf8'),
        ]);
        const documents = parseAllDocuments(text);
        const broken = documents.find(d => d.errors.length);
        if (broken) throw new Error(broken.errors[0].message);
        const entities = documents.map(d => d.toJS()).filter(isEntity);
        if (entities.length === 0) throw new Error('no entity in the file');
        files.push({ file, mtimeMs: stat.mtimeMs, entities });
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') continue;
        // one bad file must not take the other services out of the catalog
        logger.warn(`Skipping ${file}: ${(error as Error).message}`);
      }
    }
    return files.sort((a, b) => a.file.localeCompare(b.file));
  }
}
