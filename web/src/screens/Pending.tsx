// Placeholder for a screen under construction on another branch (replaced before merge).
import { useApp } from '../app/nav.ts';

export function Pending() {
  const { screen } = useApp();
  return <h1>{screen.name}</h1>;
}
