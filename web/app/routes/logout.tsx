import { redirect, type ActionFunctionArgs } from '@remix-run/node';
import { signOut } from '#app/lib/auth.server.js';

// Signing out is a POST (a GET could be triggered by any page); a visit just goes home.
export const loader = () => redirect('/');

export async function action({ request }: ActionFunctionArgs) {
  return signOut(request);
}
