// Liveness of the dashboard process itself (the API has its own /readyz).
export const loader = () => Response.json({ status: 'ok' });
