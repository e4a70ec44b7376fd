'use server';
// Server actions carry Next's own CSRF defence (the Origin must match the host), and a form that
// posts to one works without JavaScript.
import { cookies } from 'next/headers';
import { redirect } from 'next/navigation';
import { SESSION_COOKIE, deleteSession } from '../lib/session';

export async function logout(): Promise<never> {
  const jar = await cookies();
  deleteSession(jar.get(SESSION_COOKIE)?.value);
  jar.delete(SESSION_COOKIE);
  redirect('/');
}
