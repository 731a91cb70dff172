// A real OpenID Provider for Luukku's sign-in tests: panva's oidc-provider (OpenID certified)
// with a few test accounts and a `groups` claim. Started by tests/staff/oidc/conftest.py:
//
//   node provider.mjs CONFIG.json
//
// CONFIG.json: {"port": N, "issuer": "http://127.0.0.1:N", "keyId": "k1", "clients": [...]}.
// A fresh RSA signing key is made at every start under `keyId`: restarting with another id is
// how the tests rotate the provider's keys.
//
// Test-only: `POST /test/forge?mode=M` makes the NEXT token response carry a forged ID token
// (wrong nonce, aud or iss, expired, issued in the future, `alg: none`, signed by a key that is
// not in the JWKS), so the tests can show Luukku refuses each hostile answer.
import { readFileSync } from 'node:fs';

import * as jose from 'jose';
import Provider from 'oidc-provider';

const config = JSON.parse(readFileSync(process.argv[2], 'utf8'));

// Who the provider knows. The login page checks the password (`salasana-<login>`).
const ACCOUNTS = {
  aino: { email: 'aino.virtanen@example.fi', email_verified: true, name: 'Aino Virtanen', groups: ['luukku-experts'] },
  ilkka: { email: 'ilkka.admin@example.fi', email_verified: true, name: 'Ilkka Ylläpitäjä', groups: ['luukku-admins'] },
  stranger: { email: 'stranger@example.fi', email_verified: true, name: 'Outi Outsider', groups: [] },
  retired: { email: 'eino.elakkeella@example.fi', email_verified: true, name: 'Eino Eläkkeellä', groups: ['luukku-experts'] },
  unverified: { email: 'aino.virtanen@example.fi', email_verified: false, name: 'Not Aino', groups: [] },
};

async function signingKey(kid) {
  const { privateKey } = await jose.generateKeyPair('RS256', { extractable: true });
  return { ...(await jose.exportJWK(privateKey)), kid, alg: 'RS256', use: 'sig' };
}

const key = await signingKey(config.keyId);
const strayKey = await signingKey('stray');

const provider = new Provider(config.issuer, {
  clients: config.clients,
  jwks: { keys: [key] },
  findAccount: async (ctx, sub) => {
    const account = ACCOUNTS[sub];
    if (!account) return undefined;
    return { accountId: sub, claims: async () => ({ sub, ...account }) };
  },
  claims: {
    openid: ['sub'],
    email: ['email', 'email_verified'],
    profile: ['name'],
    groups: ['groups'],
  },
  scopes: ['openid', 'email', 'profile', 'groups', 'offline_access'],
  // Claims in the ID token itself, as Keycloak and Entra ID put them.
  conformIdTokenClaims: false,
  pkce: { required: () => true },
  features: {
    devInteractions: { enabled: false },
    rpInitiatedLogout: { enabled: true },
    backchannelLogout: { enabled: true },
    resourceIndicators: {
      enabled: true,
      defaultResource: () => undefined,
      useGrantedResource: () => true,
      getResourceServerInfo: (ctx, resource) => {
        if (resource !== 'urn:luukku:api') throw new Error('unknown resource');
        return { audience: 'urn:luukku:api', scope: 'luukku', accessTokenFormat: 'jwt', accessTokenTTL: 600 };
      },
    },
  },
  // First-party clients: no consent page, every requested scope granted.
  loadExistingGrant: async (ctx) => {
    const grantId = ctx.oidc.result?.consent?.grantId || ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId);
    if (grantId) return ctx.oidc.provider.Grant.find(grantId);
    const grant = new ctx.oidc.provider.Grant({ clientId: ctx.oidc.client.clientId, accountId: ctx.oidc.session.accountId });
    grant.addOIDCScope('openid email profile groups offline_access');
    grant.addResourceScope('urn:luukku:api', 'luukku');
    await grant.save();
    return grant;
  },
  // Everything here is on loopback, which the provider's SSRF guard refuses to call (for the
  // back-channel logout); and a busy test machine may need more than its 2.5 s.
  fetch: (url, { dispatcher, signal, ...options }) => globalThis.fetch(url, { ...options, signal: AbortSignal.timeout(20000) }),
  ttl: { IdToken: 300, AccessToken: 600, AuthorizationCode: 60, Session: 3600, Interaction: 600, Grant: 3600 },
  renderError: async (ctx, out) => {
    ctx.type = 'html';
    ctx.body = `<!DOCTYPE html><html lang="en"><head><title>Error</title></head><body><h1>${out.error}</h1><p>${out.error_description ?? ''}</p></body></html>`;
  },
});

const escape = (text) => String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function loginPage(uid, failed) {
  return `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>City sign-in</title></head>
<body><main><h1>City of Testala sign-in</h1>${failed ? '<p role="alert">Wrong username or password.</p>' : ''}
<form method="post" action="/interaction/${escape(uid)}/login">
<label for="login">Username</label> <input id="login" name="login" autocomplete="username" required>
<label for="password">Password</label> <input id="password" name="password" type="password" required>
<button type="submit">Sign in to the city</button></form></main></body></html>`;
}

async function formBody(req) {
  let raw = '';
  for await (const chunk of req) raw += chunk;
  return new URLSearchParams(raw);
}

let forgery = null;

async function forge(body) {
  const now = Math.floor(Date.now() / 1000);
  const claims = jose.decodeJwt(body.id_token);
  const changes = {
    nonce: { nonce: 'not-the-nonce-luukku-sent' },
    aud: { aud: 'some-other-client' },
    iss: { iss: 'https://evil.example' },
    expired: { iat: now - 7200, exp: now - 3600 },
    future: { iat: now + 3600, exp: now + 7200 },
  }[forgery] ?? {};
  const forged = { ...claims, ...changes };
  if (forgery === 'alg-none') {
    const part = (value) => Buffer.from(JSON.stringify(value)).toString('base64url');
    return `${part({ alg: 'none', typ: 'JWT' })}.${part(forged)}.`;
  }
  const jwk = forgery === 'stray-key' ? strayKey : key;
  return new jose.SignJWT(forged)
    .setProtectedHeader({ alg: 'RS256', kid: jwk.kid, typ: 'JWT' })
    .sign(await jose.importJWK(jwk, 'RS256'));
}

provider.use(async (ctx, next) => {
  if (ctx.path === '/test/forge' && ctx.method === 'POST') {
    forgery = ctx.query.mode;
    ctx.status = 204;
    return;
  }
  const interaction = ctx.path.match(/^\/interaction\/([^/]+)(\/login)?$/);
  if (interaction) {
    const details = await provider.interactionDetails(ctx.req, ctx.res);
    if (!interaction[2]) {
      ctx.type = 'html';
      ctx.body = loginPage(details.uid, false);
      return;
    }
    const form = await formBody(ctx.req);
    const login = form.get('login') ?? '';
    if (!ACCOUNTS[login] || form.get('password') !== `salasana-${login}`) {
      ctx.type = 'html';
      ctx.status = 401;
      ctx.body = loginPage(details.uid, true);
      return;
    }
    await provider.interactionFinished(ctx.req, ctx.res, { login: { accountId: login } }, { mergeWithLastSubmission: false });
    ctx.respond = false;
    return;
  }
  await next();
  if (ctx.path === '/token' && forgery && ctx.status === 200 && ctx.body?.id_token) {
    ctx.body = { ...ctx.body, id_token: await forge(ctx.body) };
    forgery = null;
  }
});

provider.on('backchannel.error', (ctx, error, client) => {
  console.error(`back-channel logout to ${client.clientId} failed: ${error.message} ${error.cause ?? ""}`);
});

provider.listen(config.port, '127.0.0.1', () => {
  console.log(`oidc-provider ready at ${config.issuer}`);
});
