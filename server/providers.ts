/**
 * @module providers
 * Sign-in providers from the environment (DESIGN.md section 3a): the built-in ones by
 * `CONFAB_<NAME>_CLIENT_ID` / `_CLIENT_SECRET`, and any OpenID Connect issuer by
 * `CONFAB_OIDC_<NAME>_ISSUER` / `_CLIENT_ID` / `_CLIENT_SECRET` [/ `_LABEL`]. Every
 * endpoint can be pointed elsewhere (`_ISSUER`, `_AUTHORIZE_URL`, `_TOKEN_URL`,
 * `_USERINFO_URL`; `CONFAB_GITHUB_URL` for GitHub Enterprise, `CONFAB_GITLAB_URL` for a
 * self-hosted GitLab), so tests and private installations use their own servers. The
 * emailed sign-in link is on unless `CONFAB_EMAIL_SIGN_IN=off`; it is offered only where
 * mail can reach the reader (services/sign-in/flow.ts).
 */

/** How a plain OAuth 2.0 provider's user endpoint describes the account. */
export type ProfileShape = 'github' | 'discord' | 'facebook' | 'x';

export interface OidcProvider {
  kind: 'oidc';
  id: string;
  label: string;
  clientId: string;
  clientSecret: string;
  issuer: string;
  scopes: string[];
}

export interface OAuth2Provider {
  kind: 'oauth2';
  id: string;
  label: string;
  clientId: string;
  clientSecret: string;
  authorizeUrl: string;
  tokenUrl: string;
  userinfoUrl: string;
  scopes: string[];
  profile: ProfileShape;
}

/**
 * The demo's own identity provider (`serve --demo` only): asks for a name and signs in as
 * that name on this server. Never configured outside the demo.
 */
export interface DemoProvider {
  kind: 'demo';
  id: 'demo';
  label: string;
}

/** The demo's site: the only one the demo provider signs in to. */
export const DEMO_SITE = 'demo';

export const DEMO_PROVIDER: DemoProvider = {
  kind: 'demo',
  id: 'demo',
  label: 'Demo (this server only)',
};

/**
 * "Email me a sign-in link": Confab's own page in the popup asks for an address and mails
 * it a single-use link and code (services/sign-in/email.ts). Offered only with a mail
 * server (`CONFAB_SMTP_URL`).
 */
export interface EmailProvider {
  kind: 'email';
  id: 'email';
  label: string;
}

export const EMAIL_PROVIDER: EmailProvider = {
  kind: 'email',
  id: 'email',
  label: 'Email me a sign-in link',
};

export type ProviderConfig = OidcProvider | OAuth2Provider | DemoProvider | EmailProvider;

interface Preset {
  label: string;
  build(
    env: Env,
  ):
    | Omit<OidcProvider, 'id' | 'label' | 'clientId' | 'clientSecret'>
    | Omit<OAuth2Provider, 'id' | 'label' | 'clientId' | 'clientSecret'>;
}

type Env = (name: string) => string | undefined;

const trimSlash = (url: string): string => url.replace(/\/+$/, '');

const PRESETS: Record<string, Preset> = {
  github: {
    label: 'GitHub',
    build: (env) => {
      const base = trimSlash(env('URL') ?? 'https://github.com');
      const api = trimSlash(
        env('API_URL') ??
          (base === 'https://github.com' ? 'https://api.github.com' : `${base}/api/v3`),
      );
      return {
        kind: 'oauth2',
        authorizeUrl: env('AUTHORIZE_URL') ?? `${base}/login/oauth/authorize`,
        tokenUrl: env('TOKEN_URL') ?? `${base}/login/oauth/access_token`,
        userinfoUrl: env('USERINFO_URL') ?? `${api}/user`,
        scopes: ['read:user'],
        profile: 'github',
      };
    },
  },
  google: {
    label: 'Google',
    build: (env) => ({
      kind: 'oidc',
      issuer: env('ISSUER') ?? 'https://accounts.google.com',
      scopes: ['openid', 'profile', 'email'],
    }),
  },
  microsoft: {
    label: 'Microsoft',
    build: (env) => ({
      kind: 'oidc',
      // The "consumers" tenant (personal accounts); set CONFAB_MICROSOFT_TENANT to a
      // directory id for work accounts. No `email` scope: Microsoft never says
      // `email_verified`, so its address could not be taken as proven anyway.
      issuer:
        env('ISSUER') ??
        `https://login.microsoftonline.com/${env('TENANT') ?? '9188040d-6c67-4c5b-b112-36a304b66dad'}/v2.0`,
      scopes: ['openid', 'profile'],
    }),
  },
  gitlab: {
    label: 'GitLab',
    build: (env) => ({
      kind: 'oidc',
      issuer: trimSlash(env('ISSUER') ?? env('URL') ?? 'https://gitlab.com'),
      scopes: ['openid', 'profile', 'email'],
    }),
  },
  discord: {
    label: 'Discord',
    build: (env) => ({
      kind: 'oauth2',
      authorizeUrl: env('AUTHORIZE_URL') ?? 'https://discord.com/oauth2/authorize',
      tokenUrl: env('TOKEN_URL') ?? 'https://discord.com/api/oauth2/token',
      userinfoUrl: env('USERINFO_URL') ?? 'https://discord.com/api/users/@me',
      scopes: ['identify'],
      profile: 'discord',
    }),
  },
  facebook: {
    label: 'Facebook',
    build: (env) => ({
      kind: 'oauth2',
      authorizeUrl: env('AUTHORIZE_URL') ?? 'https://www.facebook.com/v19.0/dialog/oauth',
      tokenUrl: env('TOKEN_URL') ?? 'https://graph.facebook.com/v19.0/oauth/access_token',
      userinfoUrl: env('USERINFO_URL') ?? 'https://graph.facebook.com/me?fields=id,name,picture',
      scopes: ['public_profile'],
      profile: 'facebook',
    }),
  },
  x: {
    label: 'X',
    build: (env) => ({
      kind: 'oauth2',
      authorizeUrl: env('AUTHORIZE_URL') ?? 'https://x.com/i/oauth2/authorize',
      tokenUrl: env('TOKEN_URL') ?? 'https://api.x.com/2/oauth2/token',
      userinfoUrl:
        env('USERINFO_URL') ?? 'https://api.x.com/2/users/me?user.fields=profile_image_url',
      scopes: ['users.read', 'tweet.read'],
      profile: 'x',
    }),
  },
  apple: {
    label: 'Apple',
    // Apple's client secret is a JWT the owner signs with their key (see the README). No
    // `email` scope: Apple then answers only by form POST, which the callback does not take.
    build: (env) => ({
      kind: 'oidc',
      issuer: env('ISSUER') ?? 'https://appleid.apple.com',
      scopes: ['openid'],
    }),
  },
};

export const BUILT_IN_PROVIDERS = Object.keys(PRESETS);

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'https:' || url.protocol === 'http:';
  } catch {
    return false;
  }
}

/** Every configured provider, the emailed link last; `problems` collects what is wrong. */
export function loadProviders(
  env: NodeJS.ProcessEnv,
  problems: string[],
): (OidcProvider | OAuth2Provider | EmailProvider)[] {
  const value = (name: string): string | undefined => {
    const v = env[name];
    return v === undefined || v === '' ? undefined : v;
  };
  const providers: (OidcProvider | OAuth2Provider)[] = [];
  for (const [id, preset] of Object.entries(PRESETS)) {
    const prefix = `CONFAB_${id.toUpperCase()}_`;
    const clientId = value(`${prefix}CLIENT_ID`);
    const clientSecret = value(`${prefix}CLIENT_SECRET`);
    if (clientId === undefined && clientSecret === undefined) continue;
    if (clientId === undefined || clientSecret === undefined) {
      problems.push(`${prefix}CLIENT_ID and ${prefix}CLIENT_SECRET go together`);
      continue;
    }
    const built = preset.build((name) => value(`${prefix}${name}`));
    providers.push({
      ...built,
      id,
      label: value(`${prefix}LABEL`) ?? preset.label,
      clientId,
      clientSecret,
    });
  }
  const oidcNames = new Set(
    Object.keys(env)
      .map(
        (key) =>
          /^CONFAB_OIDC_([A-Z0-9_]+?)_(ISSUER|CLIENT_ID|CLIENT_SECRET|LABEL)$/.exec(key)?.[1],
      )
      .filter((name): name is string => name !== undefined),
  );
  for (const name of [...oidcNames].sort()) {
    const prefix = `CONFAB_OIDC_${name}_`;
    const id = name.toLowerCase().replace(/_/g, '-');
    const issuer = value(`${prefix}ISSUER`);
    const clientId = value(`${prefix}CLIENT_ID`);
    const clientSecret = value(`${prefix}CLIENT_SECRET`);
    if (issuer === undefined || clientId === undefined || clientSecret === undefined) {
      problems.push(
        `${prefix}ISSUER, ${prefix}CLIENT_ID and ${prefix}CLIENT_SECRET are all needed`,
      );
      continue;
    }
    if (BUILT_IN_PROVIDERS.includes(id)) {
      problems.push(`${prefix}*: "${id}" is a built-in provider's name; pick another`);
      continue;
    }
    providers.push({
      kind: 'oidc',
      id,
      label: value(`${prefix}LABEL`) ?? name.charAt(0) + name.slice(1).toLowerCase(),
      clientId,
      clientSecret,
      issuer: trimSlash(issuer),
      scopes: ['openid', 'profile', 'email'],
    });
  }
  for (const p of providers) {
    const urls = p.kind === 'oidc' ? [p.issuer] : [p.authorizeUrl, p.tokenUrl, p.userinfoUrl];
    for (const url of urls)
      if (!isHttpUrl(url)) problems.push(`provider ${p.id}: "${url}" is not an http(s) URL`);
  }
  const emailSignIn = value('CONFAB_EMAIL_SIGN_IN') ?? 'on';
  if (emailSignIn !== 'on' && emailSignIn !== 'off') {
    problems.push(`CONFAB_EMAIL_SIGN_IN must be on or off (got "${emailSignIn}")`);
  }
  return emailSignIn === 'off' ? providers : [...providers, EMAIL_PROVIDER];
}
