import { ConfigReader } from '@backstage/config';
import { readImageSettings } from './imageConfig';

const registries = (entries: object[]) =>
  readImageSettings(
    new ConfigReader({ inference: { images: { registries: entries } } }),
  ).registries;

describe('readImageSettings: registry mirrors', () => {
  it('takes a bare host, or a URL whose scheme says whether it is plain HTTP', () => {
    expect(
      registries([
        { host: 'docker.io', mirror: 'harbor.corp:8443' },
        { host: 'nvcr.io', mirror: 'http://127.0.0.1:7100' },
        { host: 'ghcr.io', mirror: 'https://mirror.corp/' },
      ]).map(r => [r.host, r.mirror, r.insecure]),
    ).toEqual([
      ['docker.io', 'harbor.corp:8443', undefined],
      ['nvcr.io', '127.0.0.1:7100', true],
      ['ghcr.io', 'mirror.corp', false],
    ]);
  });

  // the config loader drops a key whose `${VAR:-}` is unset or empty
  it('reads a registry without mirror as the registry itself', () => {
    const [registry] = registries([{ host: 'docker.io' }]);
    expect(registry.host).toBe('docker.io');
    expect(registry.mirror).toBeUndefined();
  });

  it('keeps an explicit insecure over the scheme', () => {
    expect(
      registries([
        { host: 'docker.io', mirror: 'https://m.corp', insecure: true },
      ])[0].insecure,
    ).toBe(true);
  });

  it('refuses a mirror with a path, naming the field', () => {
    expect(() =>
      registries([{ host: 'docker.io', mirror: 'https://m.corp/docker' }]),
    ).toThrow(/registries\[\]\.mirror 'https:\/\/m.corp\/docker' must be/);
  });
});
