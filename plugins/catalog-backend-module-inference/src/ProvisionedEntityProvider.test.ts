import { mockServices } from '@backstage/backend-test-utils';
import { EntityProviderConnection } from '@backstage/plugin-catalog-node';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ProvisionedEntityProvider } from './ProvisionedEntityProvider';

const component = (name: string) => `apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: ${name}
  annotations:
    backstage.io/kubernetes-id: ${name}
spec:
  type: service
  lifecycle: production
  owner: group:default/ml-chat
`;

describe('ProvisionedEntityProvider', () => {
  let directory: string;
  let provider: ProvisionedEntityProvider;
  const applyMutation = jest.fn();
  const logger = mockServices.logger.mock();

  const write = (folder: string, text: string) => {
    fs.mkdirSync(path.join(directory, folder), { recursive: true });
    fs.writeFileSync(path.join(directory, folder, 'catalog-info.yaml'), text);
  };
  const lastEntities = () =>
    applyMutation.mock.calls.at(-1)![0].entities.map((e: any) => e.entity);

  beforeEach(async () => {
    directory = fs.mkdtempSync(path.join(os.tmpdir(), 'provisioned-'));
    applyMutation.mockReset();
    provider = new ProvisionedEntityProvider({ directory, logger });
    await provider.connect({
      applyMutation,
      refresh: jest.fn(),
    } as EntityProviderConnection);
  });

  it('serves every entity folder, annotated with its file as location', async () => {
    write('component-default-faq-bot', component('faq-bot'));
    write('component-default-doc-embedder', component('doc-embedder'));

    expect(await provider.refresh()).toBe(2);

    expect(applyMutation).toHaveBeenCalledTimes(1);
    const [entity] = lastEntities().filter(
      (e: any) => e.metadata.name === 'faq-bot',
    );
    const file = path.join(
      directory,
      'component-default-faq-bot',
      'catalog-info.yaml',
    );
    expect(entity.metadata.annotations).toEqual({
      'backstage.io/kubernetes-id': 'faq-bot',
      'backstage.io/managed-by-location': `file:${file}`,
      'backstage.io/managed-by-origin-location': `file:${file}`,
    });
    expect(applyMutation.mock.calls[0][0].entities[0].locationKey).toMatch(
      /^inference-provisioned:/,
    );
  });

  it('tells the catalog only when a file was added, changed or removed', async () => {
    write('a', component('a'));
    await provider.refresh();
    await provider.refresh();
    expect(applyMutation).toHaveBeenCalledTimes(1);

    write('b', component('b'));
    await provider.refresh();
    expect(applyMutation).toHaveBeenCalledTimes(2);
    expect(lastEntities().map((e: any) => e.metadata.name)).toEqual(['a', 'b']);

    fs.rmSync(path.join(directory, 'a'), { recursive: true });
    await provider.refresh();
    expect(applyMutation).toHaveBeenCalledTimes(3);
    expect(lastEntities().map((e: any) => e.metadata.name)).toEqual(['b']);
  });

  it('skips a broken file with a warning and keeps the others', async () => {
    write('good', component('good'));
    write('broken', 'kind: [unclosed');
    write('not-an-entity', 'hello: world\n');

    expect(await provider.refresh()).toBe(1);

    expect(lastEntities().map((e: any) => e.metadata.name)).toEqual(['good']);
    expect(logger.warn).toHaveBeenCalledWith(
      expect.stringMatching(/Skipping .*broken.*catalog-info\.yaml/),
    );
    expect(logger.warn).toHaveBeenCalledWith(
      expect.stringMatching(/not-an-entity.*no entity in the file/),
    );
  });

  it('treats a missing directory as empty', async () => {
    provider = new ProvisionedEntityProvider({
      directory: path.join(directory, 'absent'),
      logger,
    });
    await provider.connect({
      applyMutation,
      refresh: jest.fn(),
    } as EntityProviderConnection);
    expect(await provider.refresh()).toBe(0);
    expect(applyMutation).toHaveBeenCalledWith({
      type: 'full',
      entities: [],
    });
  });
});
