// The social sign-in buttons (settings.socialConnectors, in the sign-in experience's order).
export function SocialButtons() {
  return null;
}
