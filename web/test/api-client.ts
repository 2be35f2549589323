// What the tests ask the API directly, to check the dashboard against it.
export async function apiSignIn(apiUrl: string, email: string, password: string, register = false): Promise<string> {
  const post = (path: string) =>
    fetch(`${apiUrl}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password }) });
  if (register) expect201(await post('/v1/auth/register'));
  const response = await post('/v1/auth/login');
  if (!response.ok) throw new Error(`login failed: ${response.status}`);
  return ((await response.json()) as { access_token: string }).access_token;
}

export async function apiGet<T>(apiUrl: string, token: string, path: string): Promise<T> {
  const response = await fetch(`${apiUrl}${path}`, { headers: { authorization: `Bearer ${token}` } });
  if (!response.ok) throw new Error(`GET ${path}: ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}

function expect201(response: Response): void {
  if (response.status !== 201) throw new Error(`register failed: ${response.status}`);
}
