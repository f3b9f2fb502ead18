import { ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';

/** A person the test identity provider knows: the login typed into its form decides the email Backstage sees. */
export interface OidcTestAccount {
  login: string;
  email: string;
  name: string;
}

/** A running OpenID Connect provider (the `oidc-provider` package) with one confidential client. */
export interface OidcProviderHandle {
  issuer: string;
  /** The discovery document: what `auth.providers.oidc.<env>.metadataUrl` points at. */
  metadataUrl: string;
  clientId: string;
  clientSecret: string;
  /**
   * The environment app-config.production.yaml's auth section reads (OIDC_METADATA_URL, OIDC_CLIENT_ID,
   * OIDC_CLIENT_SECRET, AUTH_SESSION_SECRET), to hand to the backend under test.
   */
  env: Record<string, string>;
  logs(): string;
  stop(): Promise<void>;
}

/** The redirect URI of the backend's OIDC provider, which its client registration at the identity provider lists. */
export function oidcRedirectUri(backendBaseUrl: string): string {
  return `${backendBaseUrl}/api/auth/oidc/handler/frame`;
}

// eslint-disable-next-line no-restricted-syntax -- tests run from source, never from a bundle
const script = path.join(__dirname, 'oidcProviderProcess.mjs');

/**
 * Starts the identity provider in a child process (the package is ESM-only) on a free loopback port, with a client
 * allowed to redirect to `redirectUris` and the given accounts.
 */
export async function startOidcProvider(options: {
  redirectUris: string[];
  accounts: OidcTestAccount[];
  clientId?: string;
  clientSecret?: string;
  timeoutMs?: number;
}): Promise<OidcProviderHandle> {
  const clientId = options.clientId ?? 'inference-platform';
  const clientSecret =
    options.clientSecret ?? 'e2e-oidc-client-secret-0123456789';
  const settings = {
    clientId,
    clientSecret,
    redirectUris: options.redirectUris,
    accounts: options.accounts,
  };
  const child: ChildProcess = spawn(process.execPath, [script], {
    env: {
      ...process.env,
      OIDC_TEST_PROVIDER_SETTINGS: JSON.stringify(settings),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stderr?.on('data', chunk => (output += chunk));

  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise(resolve => child.once('exit', resolve));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
    await exited;
    clearTimeout(timer);
  };

  const issuer = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      reject(new Error(`OIDC provider did not start:\n${output}`));
    }, options.timeoutMs ?? 30_000);
    child.stdout?.on('data', chunk => {
      output += chunk;
      const ready = /OIDC_PROVIDER_READY (\S+)/.exec(output);
      if (ready) {
        clearTimeout(timer);
        resolve(ready[1]);
      }
    });
    child.once('exit', code => {
      clearTimeout(timer);
      reject(new Error(`OIDC provider exited with ${code}:\n${output}`));
    });
  }).catch(async error => {
    await stop();
    throw error;
  });

  const metadataUrl = `${issuer}/.well-known/openid-configuration`;
  return {
    issuer,
    metadataUrl,
    clientId,
    clientSecret,
    env: {
      OIDC_METADATA_URL: metadataUrl,
      OIDC_CLIENT_ID: clientId,
      OIDC_CLIENT_SECRET: clientSecret,
      AUTH_SESSION_SECRET: 'e2e-auth-session-secret-0123456789',
    },
    logs: () => output,
    stop,
  };
}
