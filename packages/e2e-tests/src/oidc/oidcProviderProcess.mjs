// A real OpenID Connect provider (the certified `oidc-provider` package) for browser tests, run as a child process
// because the package is ESM-only. Started by startOidcProvider (oidcProvider.ts), which passes its settings as JSON
// in OIDC_TEST_PROVIDER_SETTINGS and waits for the line `OIDC_PROVIDER_READY <issuer>` on stdout.
//
// The login and consent pages are the package's development interactions: the login form takes an account id and
// any password, which is all a test needs (the account decides the email the relying party sees).
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import http from 'node:http';
import Provider from 'oidc-provider';

/**
 * @typedef {{ login: string; email: string; name: string }} Account
 * @typedef {{ clientId: string; clientSecret: string; redirectUris: string[]; accounts: Account[]; port?: number }} Settings
 */

/** @type {Settings} */
const settings = JSON.parse(process.env.OIDC_TEST_PROVIDER_SETTINGS ?? '{}');
const accountsByLogin = new Map(settings.accounts.map(a => [a.login, a]));

// the port must be known before the issuer (part of every token) is
const server = http.createServer();
await new Promise(resolve =>
  server.listen(settings.port ?? 0, '127.0.0.1', resolve),
);
const issuer = `http://127.0.0.1:${server.address().port}`;

const signingKey = generateKeyPairSync('rsa', {
  modulusLength: 2048,
}).privateKey.export({ format: 'jwk' });

const provider = new Provider(issuer, {
  clients: [
    {
      client_id: settings.clientId,
      client_secret: settings.clientSecret,
      redirect_uris: settings.redirectUris,
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
    },
  ],
  claims: {
    openid: ['sub'],
    email: ['email', 'email_verified'],
    profile: ['name'],
  },
  async findAccount(_ctx, login) {
    const account = accountsByLogin.get(login);
    if (!account) return undefined;
    return {
      accountId: login,
      async claims() {
        return {
          sub: login,
          email: account.email,
          email_verified: true,
          name: account.name,
        };
      },
    };
  },
  // Backstage keeps the session alive (and restores it on reload) with the refresh token; this provider's policy
  // issues one to every client allowed the refresh_token grant, as most company identity providers do
  issueRefreshToken: async (_ctx, client) =>
    client.grantTypeAllowed('refresh_token'),
  cookies: { keys: [randomBytes(32).toString('hex')] },
  jwks: { keys: [{ ...signingKey, use: 'sig', alg: 'RS256', kid: 'test' }] },
  features: { devInteractions: { enabled: true } },
});

server.on('request', provider.callback());
process.stdout.write(`OIDC_PROVIDER_READY ${issuer}\n`);

for (const signal of ['SIGTERM', 'SIGINT']) {
  process.on(signal, () => {
    server.close(() => process.exit(0));
    server.closeAllConnections();
  });
}
