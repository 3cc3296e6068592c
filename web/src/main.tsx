// The sign-in page's entry: its styles and the app.
import { render } from 'preact';
import { Root } from './app/App.tsx';
import './styles.css';

render(<Root />, document.getElementById('app')!);
