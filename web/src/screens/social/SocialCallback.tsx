// /callback/social/:connectorId — the social provider's answer: E10 with its callback parameters, then
// E3. A person without a linked account is offered to link the existing account that has the
// provider's email or phone (social-link), or is registered when registration is open (E2 Register →
// E3); a Register started from the register screen identifies in Register at once. Then E4 (app/flow.ts).
import { ApiError } from '../../api/client.ts';
import { identify, switchEvent, verifySocial } from '../../api/experience.ts';
import { finish, identifyAndFinish } from '../../app/flow.ts';
import { useApp, type AppContext } from '../../app/nav.ts';
import { Callback, type CallbackStep } from './Callback.tsx';

type RelatedUser = { type: 'email' | 'phone'; value: string };

const relatedUserOf = (error: ApiError): RelatedUser | null => {
  const related = (error.data as { relatedUser?: Partial<RelatedUser> } | undefined)?.relatedUser;
  return related && (related.type === 'email' || related.type === 'phone') && typeof related.value === 'string'
    ? { type: related.type, value: related.value }
    : null;
};

/** E3 in SignIn; a person the server does not know yet goes on to linking or registration. */
async function signInOrRegister(app: Pick<AppContext, 'go' | 'settings'>, verificationId: string): Promise<boolean> {
  try {
    await identify({ verificationId });
  } catch (error) {
    if (!(error instanceof ApiError) || error.code !== 'user.identity_not_exist') throw error;
    const relatedUser = relatedUserOf(error);
    if (relatedUser) {
      app.go({ name: 'social-link', verificationId, relatedUser });
      return false;
    }
    if (app.settings.signInMode === 'SignIn') throw error;
    await switchEvent('Register');
    return identifyAndFinish(app, { verificationId });
  }
  return finish(app);
}

export function SocialCallback({ screen }: { screen: { connectorId: string } }) {
  const app = useApp();
  const step: CallbackStep = async (query, pending) => {
    await verifySocial(screen.connectorId, query, pending.verificationId);
    if (pending.event === 'Register') return identifyAndFinish(app, { verificationId: pending.verificationId });
    return signInOrRegister(app, pending.verificationId);
  };
  return <Callback kind="social" connectorId={screen.connectorId} step={step} />;
}
