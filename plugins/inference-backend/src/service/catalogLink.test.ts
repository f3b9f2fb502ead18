import { mockServices } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { EntityIndex } from '../workloads/entityIndex';
import { CatalogLinks, createEntityLookup } from './catalogLink';

const component = (name: string): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name,
    namespace: 'default',
    annotations: { 'backstage.io/kubernetes-id': name },
  },
  spec: { type: 'service', lifecycle: 'production', owner: 'ml-chat' },
});

describe('CatalogLinks', () => {
  let clock = 0;
  let catalogEntities: Entity[];
  let index: EntityIndex;
  const tracker = {
    setEntities: jest.fn((next: EntityIndex) => {
      index = next;
    }),
    flush: jest.fn(),
    workloadsOfEntity: jest.fn(() => []),
  };
  const catalog = {
    getEntities: jest.fn(async () => ({ items: [...catalogEntities] })),
    getEntityByRef: jest.fn(async (ref: string) =>
      catalogEntities.find(e => `component:default/${e.metadata.name}` === ref),
    ),
  };
  const logger = mockServices.logger.mock();

  function links() {
    return CatalogLinks.create({
      catalog: catalog as Partial<CatalogService> as CatalogService,
      auth: mockServices.auth(),
      tracker: tracker as any,
      logger,
      now: () => clock,
    });
  }

  beforeEach(() => {
    clock = 1_000_000;
    catalogEntities = [component('old-bot')];
    index = new EntityIndex();
    jest.clearAllMocks();
  });

  it('links an entity the catalog has and the index does not, at once, and remembers when it appeared', async () => {
    const subject = links();
    await subject.refresh();
    catalogEntities.push(component('new-bot'));
    clock += 5_000;
    await subject.ensureLinked('component:default/new-bot');
    expect(index.byEntityRef('component:default/new-bot')).toBeDefined();
    expect(index.byEntityRef('component:default/old-bot')).toBeDefined();
    expect(tracker.flush).toHaveBeenCalledTimes(1);
    expect(subject.newSince('component:default/new-bot')).toEqual(
      new Date(clock),
    );
    expect(subject.newSince('component:default/old-bot')).toBeUndefined();
  });

  it('asks the catalog about one entity at most once per recheck interval, found or not', async () => {
    const subject = links();
    await subject.refresh();
    await subject.ensureLinked('component:default/not-yet');
    await subject.ensureLinked('component:default/not-yet');
    clock += 1_999;
    await subject.ensureLinked('component:default/not-yet');
    expect(catalog.getEntityByRef).toHaveBeenCalledTimes(1);

    catalogEntities.push(component('not-yet'));
    clock += 1;
    await subject.ensureLinked('component:default/not-yet');
    expect(catalog.getEntityByRef).toHaveBeenCalledTimes(2);
    expect(index.byEntityRef('component:default/not-yet')).toBeDefined();
  });

  it('re-derives nothing when the catalog answers what the index already has', async () => {
    const subject = links();
    await subject.refresh();
    tracker.setEntities.mockClear();
    await subject.ensureLinked('component:default/old-bot');
    expect(catalog.getEntityByRef).toHaveBeenCalledTimes(1);
    expect(tracker.setEntities).not.toHaveBeenCalled();
    expect(tracker.flush).not.toHaveBeenCalled();
  });

  it('answers without a link when the catalog fails, and says so in the log', async () => {
    const subject = links();
    await subject.refresh();
    catalog.getEntityByRef.mockRejectedValueOnce(new Error('catalog is down'));
    await expect(
      subject.ensureLinked('component:default/new-bot'),
    ).resolves.toBeUndefined();
    expect(logger.warn).toHaveBeenCalledWith(
      'Could not look component:default/new-bot up in the catalog: Error: catalog is down',
    );
  });

  it('never lets a full load that started before a look-up undo it', async () => {
    const subject = links();
    await subject.refresh();
    let finishLoad = () => {};
    const stale = [...catalogEntities];
    catalog.getEntities.mockImplementationOnce(
      () =>
        new Promise(resolve => {
          finishLoad = () => resolve({ items: stale });
        }),
    );
    const load = subject.refresh();
    while (catalog.getEntities.mock.calls.length < 2) {
      await new Promise(resolve => setImmediate(resolve));
    }
    // registered while the full load reads the catalog as it was
    catalogEntities.push(component('new-bot'));
    const lookUp = subject.ensureLinked('component:default/new-bot');
    finishLoad();
    await Promise.all([load, lookUp]);
    expect(index.byEntityRef('component:default/new-bot')).toBeDefined();
  });
});

describe('createEntityLookup', () => {
  afterEach(() => jest.useRealTimers());

  it('forgets a miss within seconds, so an entity registered after its page was asked about is found', async () => {
    jest.useFakeTimers({ now: Date.UTC(2026, 10, 26, 14, 0, 0) });
    const entities: Entity[] = [];
    const catalog = {
      getEntityByRef: jest.fn(async (ref: string) =>
        entities.find(e => `component:default/${e.metadata.name}` === ref),
      ),
    };
    const exists = createEntityLookup(
      catalog as Partial<CatalogService> as CatalogService,
      mockServices.auth(),
    );
    expect(await exists('component:default/new-bot')).toBe(false);
    entities.push(component('new-bot'));
    jest.advanceTimersByTime(1_000);
    expect(await exists('component:default/new-bot')).toBe(false);
    jest.advanceTimersByTime(4_000);
    expect(await exists('component:default/new-bot')).toBe(true);
    // a hit is kept for a minute
    entities.pop();
    jest.advanceTimersByTime(30_000);
    expect(await exists('component:default/new-bot')).toBe(true);
    expect(catalog.getEntityByRef).toHaveBeenCalledTimes(2);
  });
});
