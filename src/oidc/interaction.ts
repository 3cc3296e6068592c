// Owns the bridge between the provider's interaction and the Experience API. readInteraction is the
// provider's interactionDetails with the Experience API state read in the same statement (one read
// per request instead of two). finishInteraction records on the
// pending OIDC interaction who signed in and the grant they consent to, so the browser, following
// returnTo (the provider's /oidc/auth/:uid), receives its authorization code without a second round.
// The Experience API calls it once the user is identified; it never talks HTTP itself. A result
// finished with a browser binding is resumed only by the browser holding it (browser-binding.ts).
import type { IncomingMessage, ServerResponse } from 'node:http';
import Provider, { errors, type Grant, type Interaction, type InteractionResults } from 'oidc-provider';
import type { Queryable } from '../storage/db.ts';
import { findInteraction, type ExperienceRow, type NamedUser, type Rider } from '../storage/repos/experience.ts';
import type { FactorSummary } from '../storage/repos/mfa-factors.ts';
import { collectModelWrites } from './adapter.ts';
import type { UserRow } from '../storage/repos/users.ts';
import { accountOf, OIDC_SCOPES } from './account.ts';
import { RESULT_BINDING } from './browser-binding.ts';
import { providerLookups, type ProviderLookups } from './provider.ts';

/** The model statics the provider uses in its own find (verify the stored payload, then build it). */
interface InteractionStatics {
  verify(stored: Record<string, unknown>): Promise<Record<string, unknown>>;
  instantiate(payload: Record<string, unknown>): Interaction;
}

/**
 * What provider.interactionDetails answers — the interaction named by the signed `_interaction`
 * cookie, verified as the provider's own find verifies it, its session checked as the provider
 * checks it — plus the Experience API state of that interaction (null: none, or expired at `now`)
 * and the user that state names, read by the same statement (repos/experience.ts findInteraction).
 * Throws the provider's SessionNotFound as interactionDetails does.
 */
export async function readInteraction(
  provider: Provider,
  q: Queryable,
  now: Date,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<{ interaction: Interaction; experience: ExperienceRow | null; user?: NamedUser & { row: UserRow | null; factors: FactorSummary[] } }> {
  const uid = provider.createContext(req, res).cookies.get(provider.cookieName('interaction'), { signed: true });
  if (!uid) throw new errors.SessionNotFound('interaction session id cookie not found');
  const row = await findInteraction(q, uid, now);
  if (!row) throw new errors.SessionNotFound('interaction session not found');
  const model = provider.Interaction as unknown as InteractionStatics;
  let interaction: Interaction;
  try {
    interaction = model.instantiate(await model.verify(row.payload));
  } catch {
    throw new errors.SessionNotFound('interaction session not found');
  }
  if (interaction.session?.uid) {
    const session = await provider.Session.findByUid(interaction.session.uid);
    if (!session) throw new errors.SessionNotFound('session not found');
    if (interaction.session.accountId !== session.accountId) throw new errors.SessionNotFound('session principal changed');
  }
  return { interaction, experience: row.experience, ...(row.user ? { user: row.user } : {}) };
}

const words = (value: unknown): string[] => (typeof value === 'string' ? value.split(' ').filter(Boolean) : []);

/** The resource indicators of the request: none, one, or several. */
const requestedResources = (value: unknown): string[] =>
  (Array.isArray(value) ? value : [value]).filter((r): r is string => typeof r === 'string' && r !== '');

/**
 * The grant the interaction asked for: its OIDC scopes (each releases its claims; the `claims`
 * request parameter is not enabled), and for every requested resource the requested scopes that
 * resource offers this client. A grant the provider already holds for this account and client
 * (found through the browser's session) is extended rather than duplicated.
 */
async function grantFor(provider: Provider, lookups: ProviderLookups, interaction: Interaction, accountId: string): Promise<Grant> {
  const { params } = interaction;
  const clientId = String(params.client_id);
  const existing = interaction.grantId ? await provider.Grant.find(interaction.grantId) : undefined;
  const grant =
    existing && existing.accountId === accountId && existing.clientId === clientId
      ? existing
      : new provider.Grant({ accountId, clientId });
  const scopes = words(params.scope);
  const oidcScopes = scopes.filter((scope) => OIDC_SCOPES.includes(scope));
  if (oidcScopes.length) grant.addOIDCScope(oidcScopes);
  for (const resource of requestedResources(params.resource)) {
    const offered = (await lookups.resourceScopes(resource, clientId)) ?? [];
    const granted = scopes.filter((scope) => offered.includes(scope));
    if (granted.length) grant.addResourceScope(resource, granted);
  }
  return grant;
}

/**
 * Finishes interaction `uid` for user `accountId` and returns where the browser goes next; with
 * `binding` (a digest from browser-binding.ts) only the browser holding that binding can resume it.
 * An unknown or suspended user does not sign in: the authorization request then ends at the client
 * with error=access_denied. `read`: the interaction and user this request already read (not read
 * again); `rider`: written with the result (an audit row). Throws the provider's SessionNotFound
 * (the Experience API's session.not_found) when the interaction does not exist or has expired.
 */
export async function finishInteraction(
  provider: Provider,
  uid: string,
  {
    accountId,
    amr,
    binding,
    read,
    rider,
  }: {
    accountId: string;
    /** How the user signed in (RFC 8176 values), for the ID token's `amr`. */
    amr?: string[];
    binding?: string;
    read?: { interaction?: Interaction; user: UserRow | null };
    /** Written by the same statement as the interaction's result (repos/experience.ts Rider). */
    rider?: Rider;
  },
): Promise<{ redirectTo: string }> {
  // What the request already read (readInteraction, the user it just updated) is not read again.
  const interaction = read?.interaction?.uid === uid ? read.interaction : await provider.Interaction.find(uid);
  const remaining = interaction ? interaction.exp - Math.floor(Date.now() / 1000) : 0;
  if (!interaction || remaining <= 0) throw new errors.SessionNotFound(`interaction ${uid} not found or expired`);

  const lookups = providerLookups(provider);
  const account = read ? (read.user?.id === accountId ? accountOf(read.user) : undefined) : await lookups.findAccount(accountId);
  const grant = account ? await grantFor(provider, lookups, interaction, accountId) : undefined;
  // The grant and the interaction's result are written together, in one statement (with the
  // caller's rider: its audit row), once both are ready.
  const writes = await collectModelWrites(async () => {
    const result: InteractionResults = grant
      ? { login: { accountId, ...(amr?.length ? { amr } : {}) }, consent: { grantId: await grant.save() } }
      : { error: 'access_denied', error_description: 'the account does not exist or is suspended' };
    interaction.result = binding === undefined ? result : { ...result, [RESULT_BINDING]: binding };
    // The interaction keeps its own expiry: finishing it does not extend it.
    await interaction.save(remaining);
  });
  await lookups.writeModels(writes, rider);
  return { redirectTo: interaction.returnTo };
}

