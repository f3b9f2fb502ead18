/*
 * The least-privilege roles of deploy/kubernetes/rbac/ against what the templates may apply (applyScope's kind
 * lists): a kind added to a template without its verbs in the role would pass every check of the product and then
 * be refused by the cluster on the first real deploy. The simulator's RBAC tests (cluster-simulator rbac.test.ts,
 * leastPrivilege.apply.test.ts) exercise the roles for real; this keeps the two lists in step.
 */
import {
  PLATFORM_KINDS,
  TEAM_KINDS,
} from '@inference-platform/plugin-inference-common';
import fs from 'node:fs';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';

// eslint-disable-next-line no-restricted-syntax -- tests run from source
const RBAC_DIR = path.resolve(__dirname, '../../../deploy/kubernetes/rbac');
const APPLY_VERBS = ['get', 'create', 'patch'];

interface Rule {
  apiGroups?: string[];
  resources?: string[];
  verbs: string[];
}

function clusterRoleRules(file: string, name: string): Rule[] {
  const role = parseAllDocuments(
    fs.readFileSync(path.join(RBAC_DIR, file), 'utf8'),
  )
    .map(d => d.toJS())
    .find(o => o?.kind === 'ClusterRole' && o.metadata.name === name);
  if (!role) throw new Error(`no ClusterRole ${name} in ${file}`);
  return role.rules;
}

/** The resource of a kind, as the API server names it (lower case plural). */
function resourceOf(kind: string): string {
  const lower = kind.toLowerCase();
  if (lower.endsWith('y')) return `${lower.slice(0, -1)}ies`;
  if (lower.endsWith('s')) return `${lower}es`;
  return `${lower}s`;
}

function allows(rules: Rule[], group: string, resource: string, verb: string) {
  return rules.some(
    r =>
      (r.apiGroups ?? []).includes(group) &&
      (r.resources ?? []).includes(resource) &&
      r.verbs.includes(verb),
  );
}

describe('the least-privilege roles cover what the templates apply', () => {
  it('names kinds as the API server does', () => {
    expect(
      ['NetworkPolicy', 'Ingress', 'ServiceAccount', 'HTTPScaledObject'].map(
        resourceOf,
      ),
    ).toEqual([
      'networkpolicies',
      'ingresses',
      'serviceaccounts',
      'httpscaledobjects',
    ]);
  });

  it.each(TEAM_KINDS.map(k => [k.kind, k.group]))(
    'the deployer may server-side apply %s (%s)',
    (kind, group) => {
      const rules = clusterRoleRules(
        'deployer.yaml',
        'inference-platform-deployer',
      );
      for (const verb of APPLY_VERBS)
        expect([verb, allows(rules, group, resourceOf(kind), verb)]).toEqual([
          verb,
          true,
        ]);
    },
  );

  it.each(PLATFORM_KINDS.map(k => [k.kind, k.group]))(
    'the pool admin may server-side apply %s (%s), the deployer may not',
    (kind, group) => {
      const poolAdmin = clusterRoleRules(
        'pool-admin.yaml',
        'inference-platform-pool-admin',
      );
      const deployer = clusterRoleRules(
        'deployer.yaml',
        'inference-platform-deployer',
      );
      for (const verb of APPLY_VERBS) {
        expect(allows(poolAdmin, group, resourceOf(kind), verb)).toBe(true);
        expect(allows(deployer, group, resourceOf(kind), verb)).toBe(false);
      }
    },
  );
});
