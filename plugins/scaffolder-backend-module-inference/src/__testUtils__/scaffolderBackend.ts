import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { schedulerServiceFactory } from '@backstage/backend-defaults/scheduler';
import catalogPlugin from '@backstage/plugin-catalog-backend';
import catalogTemplateModule from '@backstage/plugin-catalog-backend-module-scaffolder-entity-model';
import catalogInferenceModule from '@inference-platform/plugin-catalog-backend-module-inference';
import scaffolderPlugin from '@backstage/plugin-scaffolder-backend';
import githubModule from '@backstage/plugin-scaffolder-backend-module-github';
// eslint-disable-next-line @backstage/no-mixed-plugin-imports -- the tests run the real inference backend next to the scaffolder
import inferencePlugin from '@inference-platform/plugin-inference-backend';
import { SimulatorHandle } from '@inference-platform/cluster-simulator';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { parseAllDocuments } from 'yaml';
import yaml from 'yaml';
import inferenceModule from '../index';

// eslint-disable-next-line no-restricted-syntax -- tests run from source
export const repoRoot = path.resolve(__dirname, '../../../..');

/** The example catalog (teams, users, systems, services) the demo app loads. */
export function exampleEntities() {
  const dir = path.join(repoRoot, 'examples');
  return fs
    .readdirSync(dir)
    .filter(f => f.endsWith('.yaml'))
    .flatMap(f =>
      parseAllDocuments(fs.readFileSync(path.join(dir, f), 'utf8')).map(d =>
        d.toJS(),
      ),
    )
    .filter((e: any) => e?.kind && e.kind !== 'Location')
    .map((e: any) => ({
      ...e,
      metadata: { namespace: 'default', ...e.metadata },
    }));
}

/** Who belongs to which team, from the example catalog's users. */
function teamsOf(userRef: string): string[] {
  const name = userRef.split('/')[1];
  const user = exampleEntities().find(
    (e: any) => e.kind === 'User' && e.metadata.name === name,
  );
  return [
    userRef,
    ...((user?.spec?.memberOf ?? []) as string[]).map(
      g => `group:default/${g}`,
    ),
  ];
}

/**
 * A backend with the real scaffolder, this module and the inference backend on the simulated clusters, as the app
 * runs them; requests are made as `user` (a member of ml-chat by default). The catalog is a fixed in-memory one, or
 * with `realCatalog` the catalog backend reading the example and template locations, so registered entities appear.
 */
export async function startScaffolderBackend(options: {
  sim: SimulatorHandle;
  extraConfig?: Record<string, unknown>;
  realCatalog?: boolean;
  /** The catalog's rules and locations as the app configures them, instead of allowing every kind from anywhere. */
  appCatalogRules?: boolean;
  /** More catalog file locations, under the catalog's global rules only (as a location a user registers is). */
  extraLocations?: string[];
  /** A token per cluster name instead of the simulator's admin token (e.g. a least-privilege service account's). */
  clusterTokens?: Record<string, string>;
  /** Decides permissions instead of allowing everything (e.g. the platform team's admin rights). */
  permissions?: (
    permissionName: string,
    ownershipEntityRefs: string[],
  ) => boolean;
}) {
  const demoInference = yaml.parse(
    fs.readFileSync(path.join(repoRoot, 'app-config.yaml'), 'utf8'),
  ).inference;
  const { server } = await startTestBackend({
    features: [
      // static imports: jest in backend packages cannot run import()
      scaffolderPlugin,
      githubModule,
      inferenceModule,
      inferencePlugin,
      ...(options.realCatalog
        ? // the real scheduler, so the catalog links and the ledger janitor run periodically as in the app
          [
            catalogPlugin,
            catalogTemplateModule,
            catalogInferenceModule,
            schedulerServiceFactory,
          ]
        : [catalogServiceMock.factory({ entities: exampleEntities() as any })]),
      ...(options.permissions ? [permissionsFactory(options.permissions)] : []),
      mockServices.userInfo.mock({
        getUserInfo: async (credentials: any) => ({
          userEntityRef: credentials.principal.userEntityRef,
          ownershipEntityRefs: teamsOf(credentials.principal.userEntityRef),
        }),
      }).factory,
      mockServices.rootConfig.factory({
        data: {
          backend: {
            database: { client: 'better-sqlite3', connection: ':memory:' },
          },
          catalog: options.appCatalogRules
            ? appCatalogConfig(options.extraLocations)
            : {
                rules: [
                  {
                    allow: [
                      'Component',
                      'System',
                      'Domain',
                      'API',
                      'Resource',
                      'Location',
                      'Group',
                      'User',
                      'Template',
                    ],
                  },
                ],
                locations: ['examples/all.yaml', 'templates/all.yaml'].map(
                  file => ({ type: 'file', target: path.join(repoRoot, file) }),
                ),
              },
          kubernetes: {
            clusterLocatorMethods: [
              {
                type: 'config',
                clusters: options.sim.clusters.map(c => ({
                  name: c.name,
                  url: c.url,
                  authProvider: 'serviceAccount',
                  serviceAccountToken:
                    options.clusterTokens?.[c.name] ?? c.token,
                })),
              },
            ],
          },
          inference: {
            ...demoInference,
            metrics: { enabled: false },
            scaffolder: {
              catalogDirectory: fs.mkdtempSync(
                path.join(os.tmpdir(), 'catalog-'),
              ),
              catalogPollSeconds: 1,
            },
            ...options.extraConfig,
          },
        },
      }),
    ],
  });
  return server;
}

/**
 * The app's catalog rules and locations (app-config.yaml), with the locations' paths made absolute: relative paths
 * there are relative to packages/backend, where the backend runs.
 */
function appCatalogConfig(extraLocations: string[] = []) {
  const { catalog } = yaml.parse(
    fs.readFileSync(path.join(repoRoot, 'app-config.yaml'), 'utf8'),
  );
  return {
    ...catalog,
    locations: [
      ...catalog.locations.map((l: { target: string }) => ({
        ...l,
        target: path.resolve(repoRoot, 'packages/backend', l.target),
      })),
      ...extraLocations.map(target => ({ type: 'file', target })),
    ],
  };
}

/** A permissions service that decides each request from the caller's ownership refs. */
function permissionsFactory(
  decide: (permissionName: string, ownershipEntityRefs: string[]) => boolean,
) {
  const answer = async (requests: any[], options: any) => {
    const principal = options?.credentials?.principal;
    const ownership =
      principal?.type === 'user' ? teamsOf(principal.userEntityRef) : [];
    return requests.map((r: any) => ({
      result: decide(r.permission.name, ownership)
        ? AuthorizeResult.ALLOW
        : AuthorizeResult.DENY,
    }));
  };
  return mockServices.permissions.mock({
    authorize: answer as any,
    authorizeConditional: answer as any,
  }).factory;
}

/** The files of a template folder (template.yaml and skeleton/), as the dry-run API takes them. */
export function templateFiles(name: string) {
  const dir = path.join(repoRoot, 'templates', name);
  const template = yaml.parse(
    fs.readFileSync(path.join(dir, 'template.yaml'), 'utf8'),
  );
  const directoryContents = fs
    .readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter(e => e.isFile() && e.name !== 'template.yaml')
    .map(e => {
      const file = path.join(e.parentPath, e.name);
      return {
        path: path.relative(dir, file),
        base64Content: fs.readFileSync(file).toString('base64'),
      };
    });
  return { template, directoryContents };
}

/** Result of a template dry-run: the rendered files by path, the step outputs, the log. */
export interface DryRun {
  status: number;
  error?: string;
  files: Record<string, string>;
  log: string[];
  steps: Array<{ id: string; name: string }>;
  output: Record<string, any>;
}

/** Runs a template through the scaffolder's dry-run API. */
export async function dryRun(
  server: any,
  name: string,
  values: Record<string, unknown>,
  user = 'user:default/chen.wei',
): Promise<DryRun> {
  const { template, directoryContents } = templateFiles(name);
  const res = await request(server)
    .post('/api/scaffolder/v2/dry-run')
    .set('Authorization', mockCredentials.user.header(user))
    .send({ template, values, secrets: {}, directoryContents });
  const files: Record<string, string> = {};
  for (const file of res.body.directoryContents ?? []) {
    files[file.path] = Buffer.from(file.base64Content, 'base64').toString(
      'utf8',
    );
  }
  const log: string[] = (res.body.log ?? []).map(
    (l: any) => l.body?.message ?? '',
  );
  const failed = log.find(
    line => /^(Error|InputError|Failed)/.test(line) || / failed/.test(line),
  );
  return {
    status: res.status,
    error:
      res.status >= 400
        ? res.body.error?.message ?? JSON.stringify(res.body)
        : failed,
    files,
    log,
    steps: res.body.steps ?? [],
    output: res.body.output ?? {},
  };
}
