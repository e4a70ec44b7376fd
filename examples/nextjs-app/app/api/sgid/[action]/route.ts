// GET /api/sgid/login?icecream=… starts a login; GET /api/sgid/callback (the redirect URI) finishes it.
import { loginRoutes } from '../../../../lib/sgid';

export const dynamic = 'force-dynamic';

export async function GET(request: Request, context: { params: Promise<{ action: string }> }): Promise<Response> {
  const { action } = await context.params;
  if (action === 'login') return loginRoutes().login(request);
  if (action === 'callback') return loginRoutes().callback(request);
  return new Response('Not found', { status: 404 });
}
