/*
 * Finds and validates scenarios: the bundled ones by name (`demo`,
 * `failures`), the generated `scale` scenario, a YAML file path, or an
 * object.
 */
import fs from 'fs';
import path from 'path';
import YAML from 'yaml';
import { ScaleOptions, generateScaleScenario } from './scale';
import { Scenario, ScenarioInput, scenarioSchema } from './schema';

/** Directory of the bundled scenario files (`scenarios/` at the package root). */
export function scenariosDir(): string {
  const roots: string[] = [];
  try {
    roots.push(
      path.dirname(
        require.resolve('@inference-platform/cluster-simulator/package.json'),
      ),
    );
  } catch {
    // not linked into node_modules: look beside this file instead
  }
  // eslint-disable-next-line no-restricted-syntax -- src/ and dist/ both sit right under the package root
  for (let dir = __dirname, i = 0; i < 4; i++, dir = path.dirname(dir))
    roots.push(dir);
  for (const root of roots) {
    const candidate = path.join(root, 'scenarios');
    if (fs.existsSync(path.join(candidate, 'demo.yaml'))) return candidate;
  }
  throw new Error('cannot find the bundled scenarios directory');
}

/** Names of the bundled scenarios. */
export function bundledScenarios(): string[] {
  return [
    ...fs
      .readdirSync(scenariosDir())
      .filter(f => f.endsWith('.yaml'))
      .map(f => f.replace(/\.yaml$/, '')),
    'scale',
  ];
}

/** Validates a scenario object, with readable errors. */
export function parseScenario(input: unknown, source = 'scenario'): Scenario {
  const result = scenarioSchema.safeParse(input);
  if (!result.success) {
    const issues = result.error.issues
      .map(i => `  ${i.path.join('.')}: ${i.message}`)
      .join('\n');
    throw new Error(`invalid ${source}:\n${issues}`);
  }
  const names = new Set<string>();
  for (const c of result.data.clusters) {
    if (names.has(c.name))
      throw new Error(`invalid ${source}: duplicate cluster name "${c.name}"`);
    names.add(c.name);
  }
  return result.data;
}

/** Loads a scenario by bundled name, `scale`, file path, or object. */
export function loadScenario(
  scenario: string | ScenarioInput,
  scale?: ScaleOptions,
): Scenario {
  if (typeof scenario !== 'string') return parseScenario(scenario);
  if (scenario === 'scale')
    return parseScenario(generateScaleScenario(scale ?? {}), 'scale scenario');
  const bundled = path.join(scenariosDir(), `${scenario}.yaml`);
  const file = fs.existsSync(bundled) ? bundled : scenario;
  if (!fs.existsSync(file)) {
    throw new Error(
      `unknown scenario "${scenario}": not a bundled scenario (${bundledScenarios().join(
        ', ',
      )}) nor a file`,
    );
  }
  return parseScenario(YAML.parse(fs.readFileSync(file, 'utf8')), file);
}
