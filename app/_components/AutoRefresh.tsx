'use client';
import { useEffect } from 'react';
import { useRouter } from 'next/navigation';

/**
 * Re-renders the server page every `ms` while `active` and the tab is in view: the send queue's progress, a job's,
 * the network log as associations arrive, without a manual reload. Typed filter values and open details stay (the
 * server page re-renders; the browser keeps the DOM it can).
 */
export function AutoRefresh({ active, ms = 700 }: { active: boolean; ms?: number }) {
  const router = useRouter();
  useEffect(() => {
    if (!active) return;
    const t = setInterval(() => {
      if (document.visibilityState === 'visible') router.refresh();
    }, ms);
    return () => clearInterval(t);
  }, [active, ms, router]);
  return null;
}
