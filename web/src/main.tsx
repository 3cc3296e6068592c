// The sign-in page's entry: its styles and the app.
import { render } from 'preact';
import { Root } from './app/App.tsx';
import { captureCallbackQuery } from './app/federated.ts';
import './styles.css';

captureCallbackQuery();
render(<Root />, document.getElementById('app')!);
