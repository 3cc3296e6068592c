// Owns focus when an MFA screen changes what it shows without changing screen (a factor chosen or
// switched): focus moves to the new heading, as app/App.tsx does for a new screen, unless a field
// of the new view took it — so keyboard and screen-reader users start at the top of the new step.
import { useEffect, useRef } from 'preact/hooks';

export function useFocusHeading<T>(view: T) {
  const ref = useRef<HTMLDivElement>(null);
  const first = useRef(true);
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    const root = ref.current;
    if (!root || root.contains(document.activeElement)) return;
    const heading = root.querySelector('h1');
    heading?.setAttribute('tabindex', '-1');
    heading?.focus();
  }, [view]);
  return ref;
}
