/**
 * The part of `oidc-provider` (v9, which ships no type declarations) that src/login uses.
 * Shapes follow the library's documentation (docs/README.md of panva/node-oidc-provider).
 */
declare module 'oidc-provider' {
  import type { IncomingMessage, ServerResponse } from 'node:http';
  import type { KeyObject } from 'node:crypto';

  export type AnyObject = Record<string, unknown>;

  /** A JWS signing key whose private half lives elsewhere (features.externalSigningSupport). */
  export class ExternalSigningKey {
    kid: string | undefined;
    alg: string | undefined;
    keyObject(): KeyObject;
    sign(data: Uint8Array): Promise<Uint8Array>;
  }

  export interface Adapter {
    upsert(id: string, payload: AnyObject, expiresIn: number): Promise<void>;
    find(id: string): Promise<AnyObject | undefined>;
    findByUserCode(userCode: string): Promise<AnyObject | undefined>;
    findByUid(uid: string): Promise<AnyObject | undefined>;
    consume(id: string): Promise<void>;
    destroy(id: string): Promise<void>;
    revokeByGrantId(grantId: string): Promise<void>;
  }

  export interface Account {
    accountId: string;
    claims(use: string, scope: string, claims: AnyObject, rejected: string[]): Promise<AnyObject> | AnyObject;
  }

  export interface KoaContextWithOIDC {
    oidc: {
      client?: ClientInstance;
      params?: AnyObject;
      route?: string;
      session?: { accountId?: string };
      entities: AnyObject;
    };
    req: IncomingMessage;
    res: ServerResponse;
    status: number;
    body: unknown;
    type: string;
    ip: string;
    path: string;
    method: string;
    get(name: string): string;
    set(name: string, value: string): void;
  }

  export interface ClientInstance {
    clientId: string;
    clientName?: string;
    redirectUris?: string[];
    clientSecret?: string;
    metadata(): AnyObject;
    [key: string]: unknown;
  }

  export interface InteractionPrompt {
    name: string;
    reasons: string[];
    details: AnyObject;
  }

  export interface Interaction {
    uid: string;
    prompt: InteractionPrompt;
    params: AnyObject;
    session?: { accountId?: string; uid?: string };
    grantId?: string;
    lastSubmission?: AnyObject;
    returnTo: string;
    exp: number;
    result?: AnyObject;
    /** Stores the interaction for `ttlSeconds`. */
    save(ttlSeconds: number): Promise<string>;
  }

  export interface GrantInstance {
    addOIDCScope(scope: string): void;
    addOIDCClaims(claims: string[]): void;
    save(): Promise<string>;
  }

  export interface GrantConstructor {
    new (properties: { accountId: string; clientId: string }): GrantInstance;
    find(id: string): Promise<GrantInstance | undefined>;
  }

  export interface ClientClass {
    find(id: string): Promise<ClientInstance | undefined>;
    prototype: { compareClientSecret(this: ClientInstance, actual: string): Promise<boolean> | boolean };
  }

  export type Configuration = AnyObject;

  export class Provider {
    constructor(issuer: string, configuration?: Configuration);
    readonly issuer: string;
    proxy: boolean;
    readonly Grant: GrantConstructor;
    readonly Client: ClientClass;
    callback(): (req: IncomingMessage, res: ServerResponse) => void;
    interactionDetails(req: IncomingMessage, res: ServerResponse): Promise<Interaction>;
    interactionResult(
      req: IncomingMessage,
      res: ServerResponse,
      result: AnyObject,
      options?: { mergeWithLastSubmission?: boolean },
    ): Promise<string>;
    urlFor(name: string, options?: AnyObject): string;
    on(event: string, listener: (...args: unknown[]) => void): this;
  }

  export const errors: {
    OIDCProviderError: new (
      ...args: unknown[]
    ) => Error & { status: number; error: string; error_description?: string };
    SessionNotFound: new (...args: unknown[]) => Error;
    AccessDenied: new (description?: string) => Error;
  };

  export default Provider;
}
