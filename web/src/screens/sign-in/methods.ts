// Which sign-in methods the settings offer for an identifier, and the first step of each: the password
// screen, or a code sent at once (E1 SignIn, E7).
import { sendCode, ssoConnectorsFor, startExperience, type Identifier } from '../../api/experience.ts';
import type { Settings, SignInMethod } from '../../api/settings.ts';
import { startFederated } from '../../app/federated.ts';
import type { AppContext } from '../../app/nav.ts';

export const methodFor = (settings: Settings, identifier: Identifier): SignInMethod | undefined =>
  settings.signIn.methods.find((m) => m.identifier === identifier.type);

/** Sends a sign-in code to `identifier` and shows the code screen. */
export async function startCodeSignIn(app: Pick<AppContext, 'go'>, identifier: Identifier): Promise<void> {
  await startExperience('SignIn');
  const { verificationId } = await sendCode(identifier, 'SignIn');
  app.go({ name: 'sign-in-code', identifier, verificationId });
}

/** An email whose domain has an enterprise SSO connector signs in there (E5); true when the page leaves. */
export async function trySingleSignOn(settings: Settings, identifier: Identifier): Promise<boolean> {
  if (identifier.type !== 'email' || !settings.singleSignOnEnabled) return false;
  const { connectorIds } = await ssoConnectorsFor(identifier.value);
  const [first] = connectorIds;
  if (!first) return false;
  await startExperience('SignIn');
  await startFederated('sso', first);
  return true;
}

/** The step after the identifier: SSO for its domain, else the password screen or a code. */
export async function continueSignIn(app: Pick<AppContext, 'go' | 'settings'>, identifier: Identifier): Promise<void> {
  if (await trySingleSignOn(app.settings, identifier)) return;
  const method = methodFor(app.settings, identifier);
  if (method?.password && (method.isPasswordPrimary || !method.verificationCode)) {
    app.go({ name: 'password', identifier });
    return;
  }
  if (method?.verificationCode && identifier.type !== 'username') return startCodeSignIn(app, identifier);
  app.go({ name: 'password', identifier });
}
