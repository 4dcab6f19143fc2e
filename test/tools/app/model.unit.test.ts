import { printTemplate, renderTemplate } from '../../../lib/app/template';
import { loadApp, readAppDir } from '../../../tools/app';
import { DEFAULT_HANDSHAKE_SETTINGS } from '../../../tools/app/load/handshake-settings';
import { filesOf, json, SAMPLE_APP } from './helpers';

const sample = () => {
  const { app, problems } = loadApp(readAppDir(SAMPLE_APP));
  if (app === undefined) throw new Error(problems.map((p) => p.message).join('\n'));
  return { app, problems };
};

describe('the sample app', () => {
  it('validates with no problem at all', () => {
    expect(sample().problems).toEqual([]);
  });

  it('has its name, platform and three integrations', () => {
    // Act
    const { app } = sample();
    // Assess
    expect(app.name).toBe('Service Desk Sync');
    expect(app.platformVersion).toBe('3.1');
    expect(app.oauthConfigFormat).toBe('integrations');
    expect([...app.integrations.values()].map((i) => [i.name, i.tokenType])).toEqual([
      ['freshservice', 'account'],
      ['hubspot', 'account'],
      ['google', 'agent'],
    ]);
  });

  it('normalizes handshake settings with defaults', () => {
    // Act
    const { app } = sample();
    // Assess
    const freshservice = app.integrations.get('freshservice');
    expect(freshservice?.settings).toEqual({
      ...DEFAULT_HANDSHAKE_SETTINGS,
      clientAuth: 'client_secret_basic',
      allowedHosts: [{ domain: 'myfreshworks.com', subdomains: true, port: undefined }],
    });
    expect(freshservice?.oauthIparams).toEqual([
      expect.objectContaining({ name: 'org_domain', type: 'text', required: true }),
    ]);
    const google = app.integrations.get('google');
    expect(google?.options).toEqual({
      scope: 'https://www.googleapis.com/auth/calendar.events',
      access_type: 'offline',
      prompt: 'consent',
    });
    expect(google?.settings.revocationUrl && printTemplate(google.settings.revocationUrl)).toBe(
      'https://oauth2.googleapis.com/revoke',
    );
    expect(google?.settings.pkce).toBe(true);
  });

  it('renders the Freshservice token URL from the org domain', () => {
    const tokenUrl = sample().app.integrations.get('freshservice')?.tokenUrl;
    expect(
      tokenUrl && renderTemplate(tokenUrl, { oauth_iparams: { org_domain: 'acme.myfreshworks.com' } }),
    ).toBe('https://acme.myfreshworks.com/org/oauth/v2/token');
  });

  it('renders the API-key template with a secure iparam in a header', () => {
    // Prepare
    const template = sample().app.templates.get('listFreshserviceAgents');
    const authorization = template?.headers.get('Authorization');
    // Act
    const value = authorization && renderTemplate(authorization, { iparam: { freshservice_api_key: 'key' } });
    // Assess
    expect(value).toBe(`Basic ${Buffer.from('key:X').toString('base64')}`);
    expect(template?.oauth).toBeUndefined();
    expect(template?.maxAttempts).toBe(2);
    expect(template?.retryDelay).toBe(1000);
  });

  it('has templates with their integration and defaults', () => {
    const { app } = sample();
    expect(app.templates.get('createCalendarEvent')).toMatchObject({
      method: 'POST',
      protocol: 'https',
      oauth: 'google',
      maxAttempts: 1,
      retryDelay: 0,
    });
    expect(app.iparams.get('freshservice_api_key')).toMatchObject({ secure: true, required: false });
    expect(app.undeclaredTemplates.size).toBe(0);
  });
});

describe('app model details', () => {
  const manifest = json({ 'platform-version': '3.1', modules: { common: { requests: { getItems: {} } } } });
  const bareManifest = json({ 'platform-version': '3.1' });
  const integration = {
    client_id: 'id',
    client_secret: 'secret',
    authorize_url: 'https://auth.example.com/authorize',
    token_url: 'https://auth.example.com/token',
    token_type: 'account',
  };

  it('stringifies number and boolean options and keeps customHeaders apart', () => {
    // Prepare
    const files = filesOf({
      'manifest.json': manifest,
      'config/oauth_config.json': json({
        ...integration,
        options: { max_age: 3600, offline: true, customHeaders: { 'X-Client': 'handshake' } },
      }),
      'config/requests.json': json({
        getItems: { schema: { method: 'GET', host: 'api.example.com', path: '/' } },
      }),
    });
    // Act
    const { app } = loadApp(files);
    // Assess
    const only = app?.integrations.get('default');
    expect(only?.options).toEqual({ max_age: '3600', offline: 'true' });
    expect(only?.customHeaders).toEqual({ 'X-Client': 'handshake' });
    expect(only?.displayName).toBe('Test App');
  });

  it('lets isOAuth pick the only integration of the integrations form', () => {
    // Prepare
    const files = filesOf({
      'manifest.json': manifest,
      'config/oauth_config.json': json({ integrations: { crm: integration } }),
      'config/requests.json': json({
        getItems: {
          schema: {
            method: 'GET',
            host: 'api.example.com',
            path: '/',
            headers: { Authorization: 'Bearer <%= access_token %>' },
          },
          options: { isOAuth: true },
        },
      }),
    });
    // Act
    const { app } = loadApp(files);
    // Assess
    expect(app?.templates.get('getItems')?.oauth).toBe('crm');
    expect(app?.integrations.get('crm')?.displayName).toBe('Crm');
  });

  it('warns about plain http token URLs (local providers on the allow list) but accepts them', () => {
    // Act
    const { app, problems } = loadApp(
      filesOf({
        'manifest.json': bareManifest,
        'config/oauth_config.json': json({ ...integration, token_url: 'http://127.0.0.1:9000/token' }),
      }),
    );
    // Assess
    expect(app).toBeDefined();
    expect(problems.map((p) => [p.severity, p.path])).toEqual([['warning', '$.token_url']]);
  });

  it('keeps templates the manifest does not declare out of the invokable ones', () => {
    // Act
    const { app } = loadApp(
      filesOf({
        'manifest.json': manifest,
        'config/requests.json': json({
          getItems: { schema: { method: 'GET', host: 'api.example.com', path: '/' } },
          hidden: { schema: { method: 'GET', host: 'api.example.com', path: '/' } },
        }),
      }),
    );
    // Assess
    expect([...(app?.templates.keys() ?? [])]).toEqual(['getItems']);
    expect([...(app?.undeclaredTemplates ?? [])]).toEqual(['hidden']);
  });

  it('applies every handshake knob', () => {
    // Prepare
    const handshake = {
      pkce: false,
      client_auth: 'client_secret_basic',
      token_params: { audience: 'api' },
      refresh_params: { scope: 'read' },
      scope_separator: ',',
      token_response: { access_token: 'data.token', expires_in: 'data.ttl' },
      expires_in_unit: 'milliseconds',
      refresh_lead_seconds: 120,
      default_lifetime_seconds: null,
      keep_fields: ['instance_url'],
      issuer: 'https://auth.example.com',
      metadata_url: 'https://auth.example.com/.well-known/openid-configuration',
    };
    // Act
    const { app } = loadApp(
      filesOf({
        'manifest.json': bareManifest,
        'config/oauth_config.json': json({ ...integration, options: { scope: ['a', 'b'] }, handshake }),
      }),
    );
    // Assess
    const only = app?.integrations.get('default');
    expect(only?.settings).toEqual({
      pkce: false,
      clientAuth: 'client_secret_basic',
      tokenRequest: 'form',
      authorizeParamNames: {},
      dropEmptyAuthorizeParams: false,
      codeParam: 'code',
      callbackParams: [],
      callbackFactNames: {},
      // A plain string is a template without expressions: it renders to itself.
      tokenParams: { audience: { source: 'api', segments: [{ kind: 'text', text: 'api' }] } },
      refreshParams: { scope: { source: 'read', segments: [{ kind: 'text', text: 'read' }] } },
      tokenParamNames: {},
      scopeSeparator: ',',
      tokenResponse: {
        accessToken: 'data.token',
        refreshToken: 'refresh_token',
        expiresIn: 'data.ttl',
        expiresAt: 'expires_at',
        tokenType: 'token_type',
        scope: 'scope',
      },
      expiresInUnit: 'milliseconds',
      refreshLeadSeconds: 120,
      defaultLifetimeSeconds: null,
      revocationUrl: undefined,
      refreshUrl: undefined,
      keepFields: ['instance_url'],
      issuer: 'https://auth.example.com',
      metadataUrl: 'https://auth.example.com/.well-known/openid-configuration',
    });
    expect(only?.options.scope).toBe('a,b');
  });
});
