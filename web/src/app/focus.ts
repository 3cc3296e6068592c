// Owns where focus goes when the page shows something new (a screen, or a new step within one): to its
// heading, unless one of its fields already took it — so keyboard and screen-reader users start at the
// top of what is new.
export function focusHeading(root: HTMLElement | null): void {
  if (!root || root.contains(document.activeElement)) return;
  const heading = root.querySelector('h1');
  heading?.setAttribute('tabindex', '-1');
  heading?.focus();
}
