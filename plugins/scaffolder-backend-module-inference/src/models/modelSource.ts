import { Config } from '@backstage/config';
import { InputError } from '@backstage/errors';
import fs from 'node:fs/promises';
import path from 'node:path';

/**
 * Where the platform reads a model's `config.json` from (`inference.modelSource`): a Hugging Face–compatible endpoint
 * (the Hub, or an internal mirror serving the hub's `/<org>/<model>/resolve/<revision>/config.json` layout), with a
 * token from the environment, or a folder of the model cache holding `<org>/<model>/config.json`.
 */
export interface ModelSourceSettings {
  /** Base URL of the hub or mirror (default https://huggingface.co); absent when `directory` is set. */
  baseUrl?: string;
  /** Bearer token (e.g. `${HF_TOKEN}`), for gated models and private mirrors. */
  token?: string;
  revision: string;
  timeoutMs: number;
  /** How long a fetched config is reused. */
  cacheSeconds: number;
  /** A folder of the model cache instead of an endpoint. */
  directory?: string;
}

/** Reads `inference.modelSource`; the Hub by default. */
export function readModelSourceSettings(root: Config): ModelSourceSettings {
  const config = root.getOptionalConfig('inference.modelSource');
  const directory = config?.getOptionalString('directory');
  const baseUrl = directory
    ? undefined
    : config?.getOptionalString('baseUrl') ?? 'https://huggingface.co';
  if (baseUrl && !/^https?:\/\//.test(baseUrl)) {
    throw new Error(
      `inference.modelSource.baseUrl must be an http(s) URL, got '${baseUrl}'`,
    );
  }
  return {
    baseUrl: baseUrl?.replace(/\/+$/, ''),
    directory,
    token: config?.getOptionalString('token'),
    revision: config?.getOptionalString('revision') ?? 'main',
    timeoutMs: config?.getOptionalNumber('timeoutSeconds')
      ? config.getNumber('timeoutSeconds') * 1000
      : 10_000,
    cacheSeconds: config?.getOptionalNumber('cacheSeconds') ?? 3600,
  };
}

const MODEL_ID = /^[A-Za-z0-9][A-Za-z0-9._-]*\/[A-Za-z0-9][A-Za-z0-9._-]*$/;
const MAX_CONFIG_BYTES = 1024 * 1024;

/** Fetches and caches models' `config.json` from the configured source. */
export class ModelSource {
  private readonly cache = new Map<
    string,
    { at: number; config: Promise<unknown> }
  >();

  constructor(
    private readonly settings: ModelSourceSettings,
    private readonly fetchFn: typeof fetch = fetch,
    private readonly now: () => number = Date.now,
  ) {}

  /** Where the config of `modelId` is read from, for messages. */
  describe(modelId: string): string {
    return this.settings.directory
      ? path.join(this.settings.directory, modelId, 'config.json')
      : `${this.settings.baseUrl}/${modelId}/resolve/${this.settings.revision}/config.json`;
  }

  /** The parsed config.json of `modelId` (`org/name`); a clear InputError when it cannot be had. */
  async configOf(modelId: string): Promise<unknown> {
    if (!MODEL_ID.test(modelId)) {
      throw new InputError(
        `'${modelId}' is not a Hugging Face model id (org/name)`,
      );
    }
    const cached = this.cache.get(modelId);
    if (cached && this.now() - cached.at < this.settings.cacheSeconds * 1000) {
      return cached.config;
    }
    const config = this.load(modelId);
    this.cache.set(modelId, { at: this.now(), config });
    // a failure is not kept: the next task asks again
    config.catch(() => this.cache.delete(modelId));
    return config;
  }

  private async load(modelId: string): Promise<unknown> {
    const where = this.describe(modelId);
    const text = this.settings.directory
      ? await this.readFile(where)
      : await this.download(modelId, where);
    if (text.length > MAX_CONFIG_BYTES) {
      throw new InputError(`${where} is larger than 1 MiB: not a config.json`);
    }
    try {
      return JSON.parse(text);
    } catch {
      throw new InputError(`${where} is not JSON`);
    }
  }

  private async readFile(where: string): Promise<string> {
    try {
      return await fs.readFile(where, 'utf8');
    } catch (error) {
      throw new InputError(
        `No config.json for this model in the model cache: ${where} (${
          (error as NodeJS.ErrnoException).code ?? error
        })`,
      );
    }
  }

  private async download(modelId: string, url: string): Promise<string> {
    let response: Response;
    try {
      response = await this.fetchFn(url, {
        headers: this.settings.token
          ? { Authorization: `Bearer ${this.settings.token}` }
          : {},
        signal: AbortSignal.timeout(this.settings.timeoutMs),
        redirect: 'follow',
      });
    } catch (error) {
      const reason =
        (error as Error).name === 'TimeoutError'
          ? `no answer within ${this.settings.timeoutMs / 1000} s`
          : String((error as Error).message ?? error);
      throw new InputError(
        `Could not fetch the config.json of ${modelId} from ${url}: ${reason}; paste it into the form instead`,
      );
    }
    if (!response.ok) {
      await response.body?.cancel();
      throw new InputError(
        `Could not fetch the config.json of ${modelId} from ${url}: ${refusalReason(
          response.status,
        )}`,
      );
    }
    return response.text();
  }
}

function refusalReason(status: number): string {
  if (status === 401 || status === 403)
    return 'the model is gated or private: set inference.modelSource.token';
  if (status === 404) return 'no such model or revision';
  return `HTTP ${status}`;
}
