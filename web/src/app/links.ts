// Owns which URLs from the settings become links: only web and mail addresses. The settings accept any
// URL (Logto's schema), and a javascript: or data: link is no link for a person to follow.
export const linkable = (url: string | null | undefined): string | null => (url && /^(https?:|mailto:)/i.test(url) ? url : null);
