import { redirect, type LoaderFunctionArgs } from '@remix-run/node';
import { optionalUser } from '#app/lib/auth.server.js';

export async function loader({ request }: LoaderFunctionArgs) {
  return redirect((await optionalUser(request)) ? '/dashboard' : '/login');
}
