import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import scaffolderPlugin from '@backstage/plugin-scaffolder-backend';
import fs from 'node:fs';
import path from 'node:path';
import request from 'supertest';
import yaml from 'yaml';

/** A backend with the real scaffolder alone: enough to render templates through its dry-run API. */
export async function startRenderBackend() {
  const { server } = await startTestBackend({
    features: [
      scaffolderPlugin,
      catalogServiceMock.factory({ entities: [] }),
      mockServices.rootConfig.factory({
        data: {
          backend: {
            database: { client: 'better-sqlite3', connection: ':memory:' },
          },
        },
      }),
    ],
  });
  return server;
}

/**
 * Renders a template's manifests with the real scaffolder: its `fetch:template` step alone runs through the dry-run
 * API, so the scaffolder evaluates the step's inputs and renders the skeleton as in a task, without the steps that
 * would plan, resolve images or reserve quota. The form's JSON schema is left out, so `parameters` reach the skeleton
 * as a direct dry-run caller could send them; outputs of earlier steps (`steps.<id>.output`) come from `stepOutputs`.
 * Returns the rendered files by path.
 */
export async function renderManifests(
  server: any,
  options: {
    /** Folder holding the template's template.yaml and skeleton. */
    templateDir: string;
    parameters: Record<string, unknown>;
    stepOutputs?: Record<string, Record<string, unknown>>;
  },
): Promise<Record<string, string>> {
  const { templateDir, parameters, stepOutputs } = options;
  const template = yaml.parse(
    fs.readFileSync(path.join(templateDir, 'template.yaml'), 'utf8'),
  );
  const fetch = template.spec.steps.find(
    (step: any) => step.action === 'fetch:template',
  );
  // earlier steps do not run: their outputs are read from a parameter instead
  const input = JSON.parse(
    JSON.stringify(fetch.input).replace(
      /\bsteps\.(\w+)\.output\b/g,
      'parameters.__steps.$1',
    ),
  );
  const renderOnly = {
    ...template,
    spec: {
      ...template.spec,
      parameters: [],
      steps: [{ ...fetch, input }],
      output: {},
    },
  };
  const directoryContents = fs
    .readdirSync(templateDir, { recursive: true, withFileTypes: true })
    .filter(e => e.isFile() && e.name !== 'template.yaml')
    .map(e => {
      const file = path.join(e.parentPath, e.name);
      return {
        path: path.relative(templateDir, file),
        base64Content: fs.readFileSync(file).toString('base64'),
      };
    });
  const res = await request(server)
    .post('/api/scaffolder/v2/dry-run')
    .set('Authorization', mockCredentials.user.header('user:default/chen.wei'))
    .send({
      template: renderOnly,
      values: stepOutputs
        ? { ...parameters, __steps: stepOutputs }
        : parameters,
      secrets: {},
      directoryContents,
    });
  if (res.status !== 200) {
    throw new Error(
      `dry-run of ${path.basename(templateDir)} answered ${
        res.status
      }: ${JSON.stringify(res.body.error?.message ?? res.body)}`,
    );
  }
  const files: Record<string, string> = {};
  for (const file of res.body.directoryContents ?? []) {
    files[file.path] = Buffer.from(file.base64Content, 'base64').toString(
      'utf8',
    );
  }
  return files;
}
