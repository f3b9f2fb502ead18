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
    write('component.default.faq-bot', component('faq-bot'));
    write('component.default.doc-embedder', component('doc-embedder'));

    expect(await provider.refresh()).toBe(2);

    expect(applyMutation).toHaveBeenCalledTimes(1);
    const [entity] = lastEntities().filter(
      (e: any) => e.metadata.name === 'faq-bot',
    );
    const file = path.join(
      directory,
      'component.default.faq-bot',
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
    write('component.default.a', component('a'));
    await provider.refresh();
    await provider.refresh();
    expect(applyMutation).toHaveBeenCalledTimes(1);

    write('component.default.b', component('b'));
    await provider.refresh();
    expect(applyMutation).toHaveBeenCalledTimes(2);
    expect(lastEntities().map((e: any) => e.metadata.name)).toEqual(['a', 'b']);

    fs.rmSync(path.join(directory, 'component.default.a'), { recursive: true });
    await provider.refresh();
    expect(applyMutation).toHaveBeenCalledTimes(3);
    expect(lastEntities().map((e: any) => e.metadata.name)).toEqual(['b']);
  });

  it('skips a broken file with a warning and keeps the others', async () => {
    write('component.default.good', component('good'));
    write('broken', 'kind: [unclosed');
    write('not-an-entity', 'hello: world\n');

    expect(await provider.refresh()).toBe(1);

    expect(lastEntities().map((e: any) => e.metadata.name)).toEqual(['good']);
    expect(logger.warn).toHaveBeenCalledWith(
      expect.stringMatching(/Skipping .*broken.*catalog-info\.yaml/),
    );
    expect(logger.warn).toHaveBeenCalledWith(
      expect.stringMatching(/not-an-entity.*holds 0 entities instead of one/),
    );
  });

  // the security review: a change within one mtime tick went unseen
  it('sees a change that keeps the modification time', async () => {
    const tick = new Date(1_700_000_000_000);
    const file = path.join(
      directory,
      'component.default.a',
      'catalog-info.yaml',
    );
    write('component.default.a', component('a'));
    fs.utimesSync(file, tick, tick);
    await provider.refresh();
    fs.writeFileSync(file, component('a').replace('ml-chat', 'ml-search'));
    fs.utimesSync(file, tick, tick);
    await provider.refresh();
    expect(applyMutation).toHaveBeenCalledTimes(2);
    expect(lastEntities()[0].spec.owner).toBe('group:default/ml-search');
  });

  // the security review: the provider accepted any kind, and any file could claim any entity
  it.each([
    [
      'a Group',
      'group.default.ml-chat',
      'kind: Component',
      'kind: Group',
      /kind Group is not one/,
    ],
    [
      'a Template',
      'template.default.x',
      'kind: Component',
      'kind: Template',
      /kind Template is not one/,
    ],
    [
      'another entity than its folder names',
      'component.default.mine',
      '',
      '',
      /belongs in folder component.default.faq-bot/,
    ],
  ])('refuses a file holding %s', async (_what, folder, from, to, warning) => {
    write(folder, component('faq-bot').replace(from, to));
    expect(await provider.refresh()).toBe(0);
    expect(logger.warn).toHaveBeenCalledWith(expect.stringMatching(warning));
  });

  it('refuses a file with more than one entity', async () => {
    write(
      'component.default.faq-bot',
      `${component('faq-bot')}---\n${component('other')}`,
    );
    expect(await provider.refresh()).toBe(0);
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
