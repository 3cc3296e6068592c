// A missing email or phone of profile fulfilment: the address (E7 with the interaction's event), its
// code (E8), then E24 {type, verificationId} stages it on the profile.
import { useState } from 'preact/hooks';
import { addProfile, sendCode, type Identifier, type InteractionEvent } from '../../api/experience.ts';
import { useApp } from '../../app/nav.ts';
import { CodeForm } from '../../components/CodeForm.tsx';
import { Form } from '../../components/Form.tsx';
import { useIdentifierInput } from '../../components/IdentifierInput.tsx';

export function ProfileContact({
  types,
  event,
  onDone,
}: {
  types: ReadonlyArray<'email' | 'phone'>;
  event: InteractionEvent;
  onDone(): Promise<void>;
}) {
  const { t } = useApp();
  const input = useIdentifierInput(types);
  const [sent, setSent] = useState<{ identifier: Identifier; verificationId: string } | null>(null);
  if (sent)
    return (
      <>
        <CodeForm
          identifier={sent.identifier}
          verificationId={sent.verificationId}
          event={event}
          onVerified={async (verificationId) => {
            await addProfile({ type: sent.identifier.type as 'email' | 'phone', verificationId });
            await onDone();
          }}
        />
        <button type="button" class="link" onClick={() => setSent(null)}>
          {t('profile.change')}
        </button>
      </>
    );
  return (
    <Form
      submitLabel="profile.send_code"
      onSubmit={async () => {
        const identifier = input.read();
        const { verificationId } = await sendCode(identifier, event);
        setSent({ identifier, verificationId });
      }}
    >
      {input.field({ autoFocus: true })}
    </Form>
  );
}
