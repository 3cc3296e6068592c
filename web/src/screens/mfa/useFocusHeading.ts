// Owns focus when an MFA screen changes what it shows without changing screen (a factor chosen or
// switched): focus moves to the new view's heading (app/focus.ts), as app/App.tsx does for a new screen.
import { useEffect, useRef } from 'preact/hooks';
import { focusHeading } from '../../app/focus.ts';

export function useFocusHeading<T>(view: T) {
  const ref = useRef<HTMLDivElement>(null);
  const first = useRef(true);
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    focusHeading(ref.current);
  }, [view]);
  return ref;
}
