import { render } from 'preact';

// Placeholder: the console arrives with the console issue.
render(<p>Omotenashi console</p>, document.getElementById('app')!);
