// Placeholder: the widget loader arrives with the widget issue.
export {};
