'use client';
import { useEffect } from 'react';
import { useRouter } from 'next/navigation';

/** Re-renders the server page every `ms` while `active`: the send queue's progress without a manual reload. */
export function AutoRefresh({ active, ms = 700 }: { active: boolean; ms?: number }) {
  const router = useRouter();
  useEffect(() => {
    if (!active) return;
    const t = setInterval(() => router.refresh(), ms);
    return () => clearInterval(t);
  }, [active, ms, router]);
  return null;
}
