/** Settings of the app's own wiring (packages/app/src). */
export interface Config {
  auth?: {
    signInPage?: {
      /**
       * The sign-in choices the app offers, in this order: `guest` (the demo's guest provider, development mode
       * only) and `oidc` (the company's OpenID Connect provider, auth.providers.oidc). Default: [guest].
       * @visibility frontend
       * @minItems 1
       */
      providers?: Array<'guest' | 'oidc'>;
    };
  };
}
