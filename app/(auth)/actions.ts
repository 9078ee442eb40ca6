'use server';
import { headers } from 'next/headers';
import { redirect } from 'next/navigation';
import { getAuth } from '@/app/_lib/auth';

export async function signOutAction() {
  await getAuth().api.signOut({ headers: await headers() });
  redirect('/');
}
