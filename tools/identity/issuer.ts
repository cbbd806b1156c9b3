/**
 * The embedded provider's issuer, in a module of its own so `npm start` can print it without
 * loading oidc-provider.
 */
export function identityIssuer(config: { IDENTITY_ISSUER?: string; IDENTITY_HOST: string; IDENTITY_PORT: number }): string {
  return config.IDENTITY_ISSUER ?? `http://${config.IDENTITY_HOST}:${config.IDENTITY_PORT}/oidc`;
}
