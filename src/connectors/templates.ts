// Owns message templates: the default text per purpose and the {{pin}} / {{code}} placeholders.

export const defaultTemplates: Record<string, { text: string; subject?: string }> = {
  otp: { text: 'Your verification code is {{pin}}' },
  SignIn: { text: 'Your sign-in code is {{code}}. It expires in 10 minutes.', subject: 'Your sign-in code' },
  Register: { text: 'Your registration code is {{code}}. It expires in 10 minutes.', subject: 'Verify your email' },
  ForgotPassword: { text: 'Your password reset code is {{code}}. It expires in 10 minutes.', subject: 'Reset your password' },
  Generic: { text: 'Your verification code is {{code}}. It expires in 10 minutes.', subject: 'Your verification code' },
};

const placeholder = /\{\{\s*(pin|code)\s*\}\}/g;

export function hasPlaceholder(template: string): boolean {
  return new RegExp(placeholder.source).test(template);
}

/** Replaces every {{pin}} and {{code}} with the code. */
export function renderTemplate(template: string, code: string): string {
  return template.replace(placeholder, () => code);
}

export function templateFor(purpose: string): { text: string; subject?: string } {
  return defaultTemplates[purpose] ?? defaultTemplates.Generic!;
}

/** The usage types a connector created from configuration carries templates for. */
export const CONFIGURED_USAGE_TYPES = ['SignIn', 'Register', 'ForgotPassword', 'Generic'] as const;

/** Logto-shaped `templates[]` built from the defaults: email entries carry a subject and a
 *  contentType, SMS entries only content. */
export function defaultTemplateList(channel: 'sms' | 'email') {
  return CONFIGURED_USAGE_TYPES.map((usageType) => {
    const t = defaultTemplates[usageType]!;
    return channel === 'sms'
      ? { usageType, content: t.text }
      : { usageType, contentType: 'text/plain' as const, subject: t.subject ?? 'Your verification code', content: t.text };
  });
}
