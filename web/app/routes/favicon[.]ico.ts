import { redirect } from '@remix-run/node';

// Browsers ask for /favicon.ico whatever the page declares.
export const loader = () => redirect('/favicon.svg', 301);
